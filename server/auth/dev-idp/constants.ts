/**
 * Defaults shared by the embedded dev IdP, the app wiring and the dev token CLI. Kept in a module without
 * dependencies so the CLI does not load oidc-provider.
 */

/** Path the dev IdP is mounted at under PUBLIC_URL; the issuer is `${PUBLIC_URL}${DEV_IDP_MOUNT_PATH}`. */
export const DEV_IDP_MOUNT_PATH = '/oidc'

/** Audience (`aud`) of the API access tokens the dev IdP issues. */
export const DEV_API_AUDIENCE = 'strongroom-api'

/** `client_id` recorded in access tokens minted by the dev token CLI (no OAuth client is involved). */
export const DEV_CLI_CLIENT_ID = 'strongroom-dev-cli'

/** Scopes recorded in dev access tokens, identical for provider-issued and CLI-minted tokens. */
export const DEV_TOKEN_SCOPE = 'openid profile'

/** Access token lifetime when not configured. */
export const DEV_ACCESS_TOKEN_TTL_SECONDS = 900

export function devIdpIssuer(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${DEV_IDP_MOUNT_PATH}`
}

/** OpenID Provider metadata URL for discovery (openid-client `discovery`, or the JWKS URL lookup). */
export function discoveryUrlFor(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`
}

/**
 * RFC 8707 resource indicators must be absolute URIs, but the audience may be a plain name like `strongroom-api`.
 * The dev IdP therefore keys the API by this URN and sets the token's `aud` to the audience itself.
 */
export function resourceIndicatorFor(audience: string): string {
  return URL.canParse(audience) ? audience : `urn:strongroom:resource:${encodeURIComponent(audience)}`
}
