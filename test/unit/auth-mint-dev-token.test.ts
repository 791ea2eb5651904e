import assert from 'node:assert/strict'
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { decodeProtectedHeader } from 'jose'
import { DEV_IDP_CLAIM_NAMES } from '../../server/auth/demo-users.ts'
import { loadOrCreateDevIdpKeys } from '../../server/auth/dev-idp/keys.ts'
import { mintDevAccessToken } from '../../server/auth/mint-dev-token.ts'
import { hasFreshMfa, principalFromClaims } from '../../server/auth/principal.ts'
import { createTokenVerifier } from '../../server/auth/verify-token.ts'

const ISSUER = 'http://localhost:3000/oidc'
const AUDIENCE = 'strongroom-api'

describe('dev IdP keys and mintDevAccessToken', () => {
  let root: string
  before(async () => { root = await mkdtemp(path.join(tmpdir(), 'mint-dev-token-')) })
  after(async () => { await rm(root, { recursive: true, force: true }) })
  const dir = (name: string) => path.join(root, name)

  async function verifierFor(dataDir: string) {
    const { publicJwks } = await loadOrCreateDevIdpKeys(dataDir)
    return createTokenVerifier({
      issuer: ISSUER, audience: AUDIENCE, jwks: publicJwks, algorithms: ['RS256'], clockToleranceSeconds: 30, requiredTyp: 'at+jwt',
    })
  }

  it('when keys are first needed, then a 0600 key file is created and reused afterwards', async () => {
    const first = await loadOrCreateDevIdpKeys(dir('keys'))
    const info = await stat(path.join(dir('keys'), 'oidc-jwks.json'))
    assert.equal(info.mode & 0o777, 0o600)
    const second = await loadOrCreateDevIdpKeys(dir('keys'))
    assert.deepEqual(second, first)
    const pub = first.publicJwks.keys[0]!
    assert.deepEqual(Object.keys(pub).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use'])
    assert.equal(pub.alg, 'RS256')
  })

  it('when two processes race to create the keys, then both end up with the same key', async () => {
    const [a, b] = await Promise.all([loadOrCreateDevIdpKeys(dir('race')), loadOrCreateDevIdpKeys(dir('race'))])
    assert.equal(a.publicJwks.keys[0]!.kid, b.publicJwks.keys[0]!.kid)
  })

  it('when the key file is readable by others or not a private key set, then it is refused', async () => {
    await loadOrCreateDevIdpKeys(dir('loose'))
    const file = path.join(dir('loose'), 'oidc-jwks.json')
    await chmod(file, 0o644)
    await assert.rejects(loadOrCreateDevIdpKeys(dir('loose')), /chmod 600/)
    const publicOnly = JSON.parse(await readFile(file, 'utf8')) as { keys: Record<string, unknown>[] }
    delete publicOnly.keys[0]!.d
    await writeFile(file, JSON.stringify(publicOnly), { mode: 0o600 })
    await chmod(file, 0o600)
    await assert.rejects(loadOrCreateDevIdpKeys(dir('loose')), /not an RS256 private JWK set/)
  })

  it('when a token is minted with MFA, then it verifies, has the provider shape and maps to the user', async () => {
    const dataDir = dir('mint')
    const token = await mintDevAccessToken({ dataDir, issuer: ISSUER, audience: AUDIENCE, username: 'carol', mfa: true })
    const header = decodeProtectedHeader(token)
    assert.equal(header.typ, 'at+jwt')
    assert.equal(header.alg, 'RS256')
    assert.equal(header.kid, (await loadOrCreateDevIdpKeys(dataDir)).publicJwks.keys[0]!.kid)
    const claims = await (await verifierFor(dataDir)).verify(token)
    assert.deepEqual(Object.keys(claims).sort(), [
      'amr', 'aud', 'auth_time', 'clearance', 'client_id', 'departments', 'exp', 'groups', 'iat', 'iss', 'jti', 'roles',
      'scope', 'sub', 'tenant',
    ])
    assert.equal(claims.exp! - claims.iat!, 900)
    const principal = principalFromClaims(claims, DEV_IDP_CLAIM_NAMES)
    assert.equal(principal.userId, 'carol')
    assert.equal(principal.clearance, 'restricted')
    assert.deepEqual(principal.departments, ['engineering', 'finance'])
    assert.deepEqual(principal.roles, ['employee', 'admin'])
    assert.equal(hasFreshMfa(principal, 300), true)
  })

  it('when minted without MFA or with an old auth_time, then step-up is not satisfied', async () => {
    const dataDir = dir('mint')
    const verifier = await verifierFor(dataDir)
    const pwdOnly = principalFromClaims(await verifier.verify(
      await mintDevAccessToken({ dataDir, issuer: ISSUER, audience: AUDIENCE, username: 'bob', mfa: false })), DEV_IDP_CLAIM_NAMES)
    assert.deepEqual(pwdOnly.amr, ['pwd'])
    assert.equal(hasFreshMfa(pwdOnly, 300), false)
    const authTime = Math.floor(Date.now() / 1000) - 3600
    const stale = principalFromClaims(await verifier.verify(await mintDevAccessToken({
      dataDir, issuer: ISSUER, audience: AUDIENCE, username: 'bob', mfa: true, authTime, ttlSeconds: 60,
    })), DEV_IDP_CLAIM_NAMES)
    assert.equal(stale.authTime, authTime)
    assert.equal(hasFreshMfa(stale, 300), false)
  })

  it('when the token is minted for another audience or with a short ttl, then the verifier enforces both', async () => {
    const dataDir = dir('mint')
    const verifier = await verifierFor(dataDir)
    const other = await mintDevAccessToken({ dataDir, issuer: ISSUER, audience: 'other-api', username: 'alice', mfa: true })
    await assert.rejects(verifier.verify(other), { code: 'token_audience_invalid' })
    const claims = await verifier.verify(await mintDevAccessToken({ dataDir, issuer: ISSUER, audience: AUDIENCE, username: 'alice', mfa: true, ttlSeconds: 5 }))
    assert.equal(claims.exp! - claims.iat!, 5)
  })

  it('when the user is unknown or the ttl invalid, then minting fails', async () => {
    const dataDir = dir('mint')
    await assert.rejects(mintDevAccessToken({ dataDir, issuer: ISSUER, audience: AUDIENCE, username: 'eve', mfa: true }), /unknown demo user/)
    await assert.rejects(mintDevAccessToken({ dataDir, issuer: ISSUER, audience: AUDIENCE, username: 'alice', mfa: true, ttlSeconds: 0 }), /ttlSeconds/)
  })
})
