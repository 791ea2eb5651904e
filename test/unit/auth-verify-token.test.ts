import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { before, describe, it } from 'node:test'
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose'
import { AppError, UnauthorizedError } from '../../server/errors.ts'
import { bearerToken, createTokenVerifier, type TokenVerifierOptions } from '../../server/auth/verify-token.ts'

const ISSUER = 'https://idp.example.test/oidc'
const AUDIENCE = 'strongroom-api'
const now = () => Math.floor(Date.now() / 1000)
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

describe('createTokenVerifier', () => {
  let privateKey: CryptoKey
  let otherPrivateKey: CryptoKey
  let publicJwk: JWK
  let publicPem: string
  let options: TokenVerifierOptions

  before(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true })
    privateKey = pair.privateKey
    otherPrivateKey = (await generateKeyPair('RS256')).privateKey
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }
    publicPem = await exportSPKI(pair.publicKey)
    options = {
      issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [publicJwk] }, algorithms: ['RS256'],
      clockToleranceSeconds: 30, requiredTyp: 'at+jwt',
    }
  })

  function claims(overrides: JWTPayload = {}): JWTPayload {
    return { iss: ISSUER, aud: AUDIENCE, sub: 'alice', iat: now(), exp: now() + 300, tenant: 'acme', ...overrides }
  }

  function sign(payload: JWTPayload, header: { kid?: string; typ?: string } = {}, key: CryptoKey = privateKey) {
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'k1', ...header }).sign(key)
  }

  async function rejectsWith(token: string | undefined, code: string, opts: TokenVerifierOptions = options) {
    await assert.rejects(createTokenVerifier(opts).verify(token), (err: unknown) => {
      assert.ok(err instanceof UnauthorizedError, `expected UnauthorizedError, got ${String(err)}`)
      assert.equal(err.code, code)
      assert.equal(err.status, 401)
      return true
    })
  }

  it('when the token is valid, then its claims are returned', async () => {
    const payload = await createTokenVerifier(options).verify(await sign(claims()))
    assert.equal(payload.sub, 'alice')
    assert.equal(payload.tenant, 'acme')
  })

  it('when no token is given, then token_missing', async () => {
    await rejectsWith(undefined, 'token_missing')
    await rejectsWith('', 'token_missing')
  })

  it('when the token expired beyond the tolerance, then token_expired; within it, accepted', async () => {
    await rejectsWith(await sign(claims({ iat: now() - 600, exp: now() - 120 })), 'token_expired')
    const recent = await sign(claims({ iat: now() - 600, exp: now() - 10 }))
    assert.equal((await createTokenVerifier(options).verify(recent)).sub, 'alice')
  })

  it('when nbf is in the future, then token_not_yet_valid', async () => {
    await rejectsWith(await sign(claims({ nbf: now() + 300 })), 'token_not_yet_valid')
  })

  it('when the audience differs, then token_audience_invalid', async () => {
    await rejectsWith(await sign(claims({ aud: 'another-api' })), 'token_audience_invalid')
  })

  it('when the issuer differs, then token_issuer_invalid', async () => {
    await rejectsWith(await sign(claims({ iss: 'https://evil.example.test/oidc' })), 'token_issuer_invalid')
  })

  it('when the token is unsigned (alg none), then token_algorithm_invalid', async () => {
    const unsigned = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims())}.`
    await rejectsWith(unsigned, 'token_algorithm_invalid')
  })

  it('when the token is HS256-signed with the public key as secret, then token_algorithm_invalid', async () => {
    for (const secret of [publicPem, JSON.stringify(publicJwk)]) {
      const forged = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: 'k1' })
        .sign(new TextEncoder().encode(secret))
      await rejectsWith(forged, 'token_algorithm_invalid')
    }
  })

  it('when the payload is altered after signing, then token_signature_invalid', async () => {
    const [header, , signature] = (await sign(claims())).split('.')
    await rejectsWith(`${header}.${b64(claims({ sub: 'carol', roles: ['admin'] }))}.${signature}`, 'token_signature_invalid')
  })

  it('when the token is signed by a key the verifier does not know, then token_key_unknown', async () => {
    await rejectsWith(await sign(claims(), { kid: 'unknown-kid' }, otherPrivateKey), 'token_key_unknown')
  })

  it('when the typ header is not at+jwt (for example an ID token), then token_type_invalid', async () => {
    await rejectsWith(await sign(claims(), { typ: 'JWT' }), 'token_type_invalid')
    await rejectsWith(await sign(claims(), { typ: undefined }), 'token_type_invalid')
  })

  it('when requiredTyp is JWT, then a JWT-typed token passes and an at+jwt one does not', async () => {
    const jwtOpts = { ...options, requiredTyp: 'JWT' }
    assert.equal((await createTokenVerifier(jwtOpts).verify(await sign(claims(), { typ: 'JWT' }))).sub, 'alice')
    await rejectsWith(await sign(claims()), 'token_type_invalid', jwtOpts)
  })

  it('when the token is not a JWT or lacks exp, then token_malformed', async () => {
    await rejectsWith('not-a-jwt', 'token_malformed')
    await rejectsWith('a.b.c', 'token_malformed')
    const { exp: _exp, ...noExp } = claims()
    await rejectsWith(await sign(noExp), 'token_malformed')
  })

  it('when the remote key set cannot be fetched, then a 503 token_keys_unavailable, not a 401', async () => {
    const server = createServer((_req, res) => { res.statusCode = 500; res.end() })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`)
    try {
      await assert.rejects(createTokenVerifier({ ...options, jwks: url }).verify(await sign(claims())), (err: unknown) => {
        assert.ok(err instanceof AppError)
        assert.equal(err.code, 'token_keys_unavailable')
        assert.equal(err.status, 503)
        return true
      })
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('when configured with a symmetric or none algorithm, then construction fails', () => {
    assert.throws(() => createTokenVerifier({ ...options, algorithms: ['RS256', 'HS256'] }), TypeError)
    assert.throws(() => createTokenVerifier({ ...options, algorithms: ['none'] }), TypeError)
    assert.throws(() => createTokenVerifier({ ...options, algorithms: [] }), TypeError)
  })
})

describe('bearerToken', () => {
  it('when the header is a Bearer credential, then the token is returned, otherwise undefined', () => {
    assert.equal(bearerToken('Bearer abc.def.ghi'), 'abc.def.ghi')
    assert.equal(bearerToken('bearer abc.def.ghi'), 'abc.def.ghi')
    assert.equal(bearerToken('Basic dXNlcjpwYXNz'), undefined)
    assert.equal(bearerToken('Bearer a b'), undefined)
    assert.equal(bearerToken(undefined), undefined)
  })
})
