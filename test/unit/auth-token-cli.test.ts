import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { promisify } from 'node:util'
import { loadOrCreateDevIdpKeys } from '../../server/auth/dev-idp/keys.ts'
import { principalFromClaims } from '../../server/auth/principal.ts'
import { DEV_IDP_CLAIM_NAMES } from '../../server/auth/demo-users.ts'
import { createTokenVerifier } from '../../server/auth/verify-token.ts'

const run = promisify(execFile)
const CLI = path.resolve(import.meta.dirname, '../../server/cli/token.ts')
const PUBLIC_URL = 'http://127.0.0.1:4999'

describe('token CLI', () => {
  let dataDir: string
  before(async () => { dataDir = await mkdtemp(path.join(tmpdir(), 'token-cli-')) })
  after(async () => { await rm(dataDir, { recursive: true, force: true }) })

  // The environment is built from scratch so a developer's NODE_ENV or OIDC_ISSUER cannot change the outcome.
  function cli(args: string[], env: Record<string, string> = {}) {
    return run(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PUBLIC_URL, ...env },
      cwd: path.resolve(import.meta.dirname, '../..'),
    })
  }

  async function fails(args: string[], env: Record<string, string>, message: RegExp) {
    await assert.rejects(cli(args, env), (err: { code?: number; stdout?: string; stderr?: string }) => {
      assert.equal(err.code, 1)
      assert.equal(err.stdout, '')
      assert.match(err.stderr ?? '', message)
      return true
    })
  }

  it('when asked for an MFA token for a demo user, then only a verifiable token is printed', async () => {
    const { stdout } = await cli(['dave', '--mfa', '--ttl', '120'])
    const lines = stdout.split('\n').filter((l) => l !== '')
    assert.equal(lines.length, 1)
    const { publicJwks } = await loadOrCreateDevIdpKeys(dataDir)
    const claims = await createTokenVerifier({
      issuer: `${PUBLIC_URL}/oidc`, audience: 'strongroom-api', jwks: publicJwks, algorithms: ['RS256'],
      clockToleranceSeconds: 30, requiredTyp: 'at+jwt',
    }).verify(lines[0])
    assert.equal(claims.exp! - claims.iat!, 120)
    const principal = principalFromClaims(claims, DEV_IDP_CLAIM_NAMES)
    assert.equal(principal.tenantId, 'globex')
    assert.deepEqual(principal.amr, ['pwd', 'otp'])
  })

  it('when only PORT is set, then the token names the issuer the server derives from that port', async () => {
    const { stdout } = await cli(['alice'], { PUBLIC_URL: '', PORT: '3999' })
    const { publicJwks } = await loadOrCreateDevIdpKeys(dataDir)
    const claims = await createTokenVerifier({
      issuer: 'http://localhost:3999/oidc', audience: 'strongroom-api', jwks: publicJwks, algorithms: ['RS256'],
      clockToleranceSeconds: 30, requiredTyp: 'at+jwt',
    }).verify(stdout.trim())
    assert.equal(claims.iss, 'http://localhost:3999/oidc')
  })

  it('when the user is unknown, then it exits 1 naming the demo users', async () => {
    await fails(['eve'], {}, /unknown user "eve".*alice/)
  })

  it('when NODE_ENV is production, then it refuses', async () => {
    await fails(['alice'], { NODE_ENV: 'production' }, /NODE_ENV=production/)
  })

  it('when an external IdP is configured, then it refuses', async () => {
    await fails(['alice'], { OIDC_ISSUER: 'https://login.example.com' }, /OIDC_ISSUER/)
  })

  it('when the ttl is not a positive whole number, then it exits 1', async () => {
    await fails(['alice', '--ttl', 'soon'], {}, /--ttl/)
  })
})
