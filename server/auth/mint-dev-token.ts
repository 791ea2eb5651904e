import { randomBytes } from 'node:crypto'
import { importJWK, SignJWT } from 'jose'
import { demoUserClaims, findDemoUser } from './demo-users.ts'
import { DEV_ACCESS_TOKEN_TTL_SECONDS, DEV_CLI_CLIENT_ID, DEV_TOKEN_SCOPE } from './dev-idp/constants.ts'
import { DEV_IDP_ALG, loadOrCreateDevIdpKeys } from './dev-idp/keys.ts'

export interface MintDevTokenOptions {
  /** Data directory holding (or receiving) `oidc-jwks.json`, the same one the embedded IdP uses. */
  dataDir: string
  /** Issuer of the embedded IdP, e.g. `http://localhost:3000/oidc`. */
  issuer: string
  audience: string
  /** A demo user's username (see demo-users.ts). */
  username: string
  /** true: `amr` is `['pwd','otp']` (MFA); false: `['pwd']` only, to exercise step-up refusals. */
  mfa: boolean
  ttlSeconds?: number
  /** `auth_time` in epoch seconds; defaults to now. Set it in the past to test MFA freshness windows. */
  authTime?: number
  clientId?: string
}

/**
 * Signs a JWT access token with the embedded dev IdP's key, identical in shape to the tokens oidc-provider issues
 * (RFC 9068 `at+jwt`). DEVELOPMENT ONLY: callers must refuse to run in production or with an external IdP.
 */
export async function mintDevAccessToken(opts: MintDevTokenOptions): Promise<string> {
  const user = findDemoUser(opts.username)
  if (user === undefined) throw new Error(`unknown demo user: ${opts.username}`)
  const ttl = opts.ttlSeconds ?? DEV_ACCESS_TOKEN_TTL_SECONDS
  if (!Number.isSafeInteger(ttl) || ttl <= 0) throw new Error('ttlSeconds must be a positive integer')

  const { privateJwks } = await loadOrCreateDevIdpKeys(opts.dataDir)
  const jwk = privateJwks.keys[0]!
  const key = await importJWK(jwk, DEV_IDP_ALG)
  const now = Math.floor(Date.now() / 1000)
  const payload = {
    ...demoUserClaims(user),
    amr: opts.mfa ? ['pwd', 'otp'] : ['pwd'],
    auth_time: opts.authTime ?? now,
    jti: randomBytes(32).toString('base64url'),
    sub: user.username,
    iat: now,
    exp: now + ttl,
    scope: DEV_TOKEN_SCOPE,
    client_id: opts.clientId ?? DEV_CLI_CLIENT_ID,
    iss: opts.issuer,
    aud: opts.audience,
  }
  return new SignJWT(payload)
    .setProtectedHeader({ alg: DEV_IDP_ALG, typ: 'at+jwt', kid: jwk.kid! })
    .sign(key)
}
