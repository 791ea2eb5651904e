import { z } from 'zod'
import { positiveInt } from './fields.ts'

/** OpenID Connect login, access-token verification and session lifetime. */
export const identityEnv = {
  /** External OpenID Provider issuer URL. Unset: the embedded development IdP at PUBLIC_URL/oidc (refused in production). */
  OIDC_ISSUER: z.url().optional(),
  /** OAuth client id of the web login at the IdP. */
  OIDC_CLIENT_ID: z.string().min(1).default('strongroom-web'),
  /** OAuth client secret of the web login (confidential client). Required with OIDC_ISSUER; no default. */
  OIDC_CLIENT_SECRET: z.string().min(8).optional(),
  /** Audience (`aud`) required in API access tokens. */
  OIDC_AUDIENCE: z.string().min(1).default('strongroom-api'),
  /** JWKS URL for access-token signatures. Default: the issuer's `jwks_uri` from discovery. */
  OIDC_JWKS_URL: z.url().optional(),
  /** Comma-separated JWS algorithms accepted on access tokens (asymmetric only). */
  OIDC_ALGORITHMS: z.string().regex(/^((RS|PS|ES)(256|384|512)|EdDSA)(,((RS|PS|ES)(256|384|512)|EdDSA))*$/, 'asymmetric JWS algorithms only').default('RS256,PS256,ES256,EdDSA'),
  /** Required `typ` header of access tokens: at+jwt (RFC 9068) or JWT for IdPs that do not set it. */
  OIDC_TOKEN_TYPE: z.enum(['at+jwt', 'JWT']).default('at+jwt'),
  /** Scopes requested at login. */
  OIDC_SCOPES: z.string().default('openid profile'),
  /** Claim names (dotted paths allowed, e.g. realm_access.roles) mapped to the principal's attributes. */
  OIDC_CLAIM_TENANT: z.string().default('tenant'),
  OIDC_CLAIM_CLEARANCE: z.string().default('clearance'),
  OIDC_CLAIM_DEPARTMENTS: z.string().default('departments'),
  OIDC_CLAIM_GROUPS: z.string().default('groups'),
  OIDC_CLAIM_ROLES: z.string().default('roles'),
  /** Clock tolerance for exp/nbf/iat, in seconds. */
  OIDC_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /** Key for signing the short-lived login-state cookie. Required in production; development generates one in DATA_DIR. */
  SESSION_SECRET: z.string().min(32).optional(),
  /** A session ends after this many minutes without a request. */
  SESSION_IDLE_MINUTES: positiveInt(30),
  /** A session ends this many hours after login, whatever its activity. */
  SESSION_ABSOLUTE_HOURS: positiveInt(8),
  /** Admin routes need an MFA login (amr) no older than this many seconds; else 401 step_up_required. */
  STEP_UP_MAX_AGE_SECONDS: positiveInt(900),
}
