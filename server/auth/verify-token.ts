import {
  createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify,
  type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey,
} from 'jose'
import { AppError, UnauthorizedError } from '../errors.ts'

/** Options for {@link createTokenVerifier}. Every value is pinned: nothing is taken from the token itself. */
export interface TokenVerifierOptions {
  /** Exact expected `iss`. */
  issuer: string
  /** Expected `aud` (the token's `aud` must contain it). */
  audience: string
  /**
   * Where the verification keys come from: a URL (the IdP's `jwks_uri`, fetched and cached by jose) or a local
   * JWK set (the embedded dev IdP's public keys, loaded from the data directory).
   */
  jwks: URL | JSONWebKeySet
  /**
   * Accepted JWS algorithms, e.g. `['RS256']`. Pinning them is what rejects `alg: none` and the HS256 key-confusion
   * attack (a token MACed with the public key as the secret): any algorithm not listed fails before a key is used.
   */
  algorithms: string[]
  /** Leeway for `exp`/`nbf`/`iat` against clock skew. Keep it small (30 to 60 s). */
  clockToleranceSeconds: number
  /**
   * Required `typ` header: `at+jwt` (RFC 9068, what the dev IdP issues; it also stops ID tokens being replayed as
   * access tokens) or `JWT` for IdPs that label access tokens that way. null disables the check (not recommended).
   */
  requiredTyp: 'at+jwt' | 'JWT' | (string & {}) | null
  /** Claims that must be present; defaults to `exp`, `iat` and `sub`. */
  requiredClaims?: string[]
}

export interface TokenVerifier {
  /** Verifies a compact JWT and returns its claims, or throws an AppError with a stable `token_*` code. */
  verify(token: string | null | undefined): Promise<JWTPayload>
}

const MAX_TOKEN_LENGTH = 16 * 1024

function unauthorized(code: string, message: string): UnauthorizedError {
  return new UnauthorizedError(code, message)
}

function claimFailure(claim: string): UnauthorizedError {
  switch (claim) {
    case 'nbf': return unauthorized('token_not_yet_valid', 'token is not yet valid')
    case 'aud': return unauthorized('token_audience_invalid', 'token audience is not accepted')
    case 'iss': return unauthorized('token_issuer_invalid', 'token issuer is not accepted')
    case 'typ': return unauthorized('token_type_invalid', 'token type is not accepted')
    default: return unauthorized('token_malformed', `token claim ${claim} is missing or invalid`)
  }
}

function mapError(err: unknown, remote: boolean): Error {
  if (err instanceof errors.JWTExpired) return unauthorized('token_expired', 'token has expired')
  if (err instanceof errors.JWTClaimValidationFailed) return claimFailure(err.claim)
  if (err instanceof errors.JOSEAlgNotAllowed) return unauthorized('token_algorithm_invalid', 'token algorithm is not accepted')
  if (err instanceof errors.JWSSignatureVerificationFailed) return unauthorized('token_signature_invalid', 'token signature is invalid')
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) {
    return unauthorized('token_key_unknown', 'token signing key is not known')
  }
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid || err instanceof errors.JOSENotSupported) {
    return unauthorized('token_malformed', 'token is malformed')
  }
  // The key source failing is not the caller's fault: answer 503 so clients retry instead of logging the user out.
  if (remote && (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || err instanceof errors.JOSEError ||
    err instanceof TypeError)) {
    return new AppError('token_keys_unavailable', 'token signing keys are unavailable', { status: 503, cause: err })
  }
  return err instanceof Error ? err : new Error('token verification failed', { cause: err })
}

/**
 * Builds the access token verifier. Issuer, audience, algorithms and `typ` are fixed here at startup; each failure
 * maps to one stable code: token_missing, token_expired, token_not_yet_valid, token_audience_invalid,
 * token_issuer_invalid, token_algorithm_invalid, token_signature_invalid, token_key_unknown, token_type_invalid,
 * token_malformed (and token_keys_unavailable, 503, when a remote key set cannot be fetched).
 */
export function createTokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
  if (opts.algorithms.length === 0) throw new TypeError('algorithms must not be empty')
  if (opts.algorithms.some((a) => a === 'none' || a.startsWith('HS'))) {
    throw new TypeError('only asymmetric algorithms are accepted for access tokens')
  }
  const remote = opts.jwks instanceof URL
  const keys: JWTVerifyGetKey = opts.jwks instanceof URL ? createRemoteJWKSet(opts.jwks) : createLocalJWKSet(opts.jwks)
  const verifyOptions = {
    issuer: opts.issuer,
    audience: opts.audience,
    algorithms: [...opts.algorithms],
    clockTolerance: opts.clockToleranceSeconds,
    requiredClaims: opts.requiredClaims ?? ['exp', 'iat', 'sub'],
    ...(opts.requiredTyp === null ? {} : { typ: opts.requiredTyp }),
  }

  return {
    async verify(token) {
      if (typeof token !== 'string' || token === '') throw unauthorized('token_missing', 'a bearer token is required')
      if (token.length > MAX_TOKEN_LENGTH) throw unauthorized('token_malformed', 'token is malformed')
      try {
        const { payload } = await jwtVerify(token, keys, verifyOptions)
        return payload
      } catch (err) {
        throw mapError(err, remote)
      }
    },
  }
}

/** Extracts the token from an `Authorization: Bearer <token>` header; anything else yields undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization?.trim() ?? '')
  return match?.[1]
}
