import { Router } from 'express'
import type { JSONWebKeySet } from 'jose'
import { Provider } from 'oidc-provider'
import { DEV_ACCESS_TOKEN_TTL_SECONDS, discoveryUrlFor, resourceIndicatorFor } from './constants.ts'
import { createInteractionRouter } from './interactions.ts'
import { loadOrCreateDevIdpKeys } from './keys.ts'
import { providerConfiguration, type DevIdpClient } from './provider-config.ts'

export type { DevIdpClient } from './provider-config.ts'
export { loadOrCreateDevIdpKeys, type DevIdpKeys } from './keys.ts'
export { DEV_API_AUDIENCE, DEV_IDP_MOUNT_PATH, devIdpIssuer, discoveryUrlFor } from './constants.ts'

export interface DevIdpOptions {
  /** Issuer identifier, e.g. `http://localhost:3000/oidc`; mount `router` at its path (`/oidc`). No trailing slash. */
  issuer: string
  /** Holds `oidc-jwks.json`, the signing keys (created on first run, mode 0600). */
  dataDir: string
  clients: DevIdpClient[]
  /** `aud` of the JWT access tokens, e.g. `strongroom-api`. */
  apiAudience: string
  /** Keys signing the IdP's cookies (first signs, all verify); each at least 32 characters. */
  cookieKeys: string[]
  /**
   * Set when a TLS-terminating reverse proxy sits in front: the IdP then believes X-Forwarded-Proto/Host, so it
   * builds https URLs and marks its cookies Secure. Leave false for plain http://localhost development, where the
   * request's own scheme (http) is used and cookies are not marked Secure.
   */
  trustProxy?: boolean
  accessTokenTtlSeconds?: number
}

export interface DevIdp {
  /** Express router: the login pages, then oidc-provider. `app.use(devIdp.mountPath, devIdp.router)`. */
  router: Router
  mountPath: string
  issuer: string
  /** `${issuer}/.well-known/openid-configuration` */
  discoveryUrl: string
  /** Public signing keys, for createTokenVerifier's `jwks` (no HTTP round trip to ourselves). */
  publicJwks: JSONWebKeySet
  /** The RFC 8707 resource indicator access tokens are issued for (the default resource; clients need not send it). */
  resourceIndicator: string
  /** The oidc-provider instance, e.g. for `provider.on('server_error', ...)` logging. */
  provider: Provider
}

/**
 * The embedded OpenID Provider for development and tests. DEVELOPMENT ONLY; production uses an external IdP.
 *
 * Security decisions:
 * - Authorization code flow only, PKCE (S256) required for every client, no implicit or hybrid responses.
 * - Access tokens are RFC 9068 JWTs (`typ: at+jwt`) bound to one audience via resource indicators, carrying the
 *   user attributes plus `amr` and `auth_time`; no refresh tokens, userinfo, introspection or dynamic registration.
 * - Login is password then TOTP (see interactions.ts); ID tokens carry `amr` and `auth_time`.
 * - Storage is oidc-provider's default in-memory adapter. That is acceptable ONLY here: it holds short-lived
 *   interaction, session, grant and code state of a dev IdP, and losing it on restart just means signing in again.
 *   Do not copy this to a production IdP, which would need a shared persistent adapter.
 */
export async function createDevIdp(opts: DevIdpOptions): Promise<DevIdp> {
  const issuerUrl = new URL(opts.issuer)
  if (opts.issuer.endsWith('/') || issuerUrl.search !== '' || issuerUrl.hash !== '') {
    throw new TypeError('issuer must be an absolute URL without trailing slash, query or fragment')
  }
  if (opts.cookieKeys.length === 0 || opts.cookieKeys.some((k) => k.length < 32)) {
    throw new TypeError('cookieKeys must contain keys of at least 32 characters')
  }
  if (opts.clients.length === 0) throw new TypeError('at least one client is required')

  const basePath = issuerUrl.pathname.replace(/\/$/, '')
  const mountPath = basePath === '' ? '/' : basePath
  const resourceIndicator = resourceIndicatorFor(opts.apiAudience)
  const keys = await loadOrCreateDevIdpKeys(opts.dataDir)
  const provider = new Provider(opts.issuer, providerConfiguration({
    basePath,
    clients: opts.clients,
    apiAudience: opts.apiAudience,
    resourceIndicator,
    cookieKeys: opts.cookieKeys,
    privateJwks: keys.privateJwks,
    accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? DEV_ACCESS_TOKEN_TTL_SECONDS,
  }))
  provider.proxy = opts.trustProxy ?? false

  const formActionOrigins = [...new Set(opts.clients.flatMap((c) =>
    [...c.redirectUris, ...c.postLogoutRedirectUris].map((u) => new URL(u).origin)))]
  const router = Router()
  router.use(createInteractionRouter({ provider, basePath, formActionOrigins }))
  router.use(provider.callback())

  return {
    router,
    mountPath,
    issuer: opts.issuer,
    discoveryUrl: discoveryUrlFor(opts.issuer),
    publicJwks: keys.publicJwks,
    resourceIndicator,
    provider,
  }
}
