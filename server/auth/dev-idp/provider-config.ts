import type { JWK } from 'jose'
import { errors, type Client, type Configuration, type KoaContextWithOIDC, type TokenLike } from 'oidc-provider'
import { demoUserClaims, findDemoUser } from '../demo-users.ts'
import { DEV_TOKEN_SCOPE } from './constants.ts'
import { pageForError, pageForLogout, pageForLogoutSuccess } from './provider-pages.ts'

/** A relying party registered with the dev IdP. Without a secret it is a public client (`token_endpoint_auth_method: none`). */
export interface DevIdpClient {
  clientId: string
  clientSecret?: string
  redirectUris: string[]
  postLogoutRedirectUris: string[]
}

export interface ProviderConfigInput {
  basePath: string
  clients: DevIdpClient[]
  apiAudience: string
  resourceIndicator: string
  cookieKeys: string[]
  privateJwks: { keys: JWK[] }
  accessTokenTtlSeconds: number
}

const CUSTOM_CLAIMS = ['tenant', 'clearance', 'departments', 'groups', 'roles']

async function findAccount(_ctx: KoaContextWithOIDC, sub: string) {
  const user = findDemoUser(sub)
  if (user === undefined) return undefined
  return {
    accountId: user.username,
    claims: () => ({ sub: user.username, name: user.name, preferred_username: user.username, ...demoUserClaims(user) }),
  }
}

/**
 * The user attributes plus how and when the user authenticated, copied into every access token. `amr` and
 * `auth_time` come from the authorization code (or refresh token) the access token is being exchanged for.
 */
async function extraTokenClaims(ctx: KoaContextWithOIDC, token: TokenLike) {
  const user = token.kind === 'AccessToken' && token.accountId !== undefined ? findDemoUser(token.accountId) : undefined
  if (user === undefined) return undefined
  const source = ctx.oidc.entities.AuthorizationCode ?? ctx.oidc.entities.RefreshToken
  return {
    ...demoUserClaims(user),
    amr: source?.amr ?? ctx.oidc.session?.amr ?? [],
    auth_time: source?.authTime ?? ctx.oidc.session?.authTime(),
  }
}

/** oidc-provider configuration for the dev IdP. See createDevIdp for the security decisions it encodes. */
export function providerConfiguration(input: ProviderConfigInput): Configuration {
  const { resourceIndicator } = input
  return {
    clients: input.clients.map((c) => ({
      client_id: c.clientId,
      ...(c.clientSecret === undefined
        ? { token_endpoint_auth_method: 'none' }
        : { client_secret: c.clientSecret, token_endpoint_auth_method: 'client_secret_basic' }),
      redirect_uris: c.redirectUris,
      post_logout_redirect_uris: c.postLogoutRedirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      require_auth_time: true,
    })),
    jwks: input.privateJwks,
    cookies: { keys: input.cookieKeys },
    findAccount,
    // amr and auth_time ride on the openid scope so every ID token carries them.
    claims: {
      acr: null, auth_time: null, amr: null, sid: null, iss: null,
      openid: ['sub', 'amr', 'auth_time'],
      profile: ['name', 'preferred_username', ...CUSTOM_CLAIMS],
    },
    scopes: ['openid', 'profile'],
    responseTypes: ['code'],
    pkce: { required: () => true },
    extraTokenClaims,
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction: { uid: string }) => `${input.basePath}/interaction/${interaction.uid}` },
    // First-party clients only: consent is implied, so the grant is created with everything they may ask for.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { oidc } = ctx
      const clientId = oidc.client!.clientId
      const grantId = oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(clientId)
      if (grantId !== undefined) return oidc.provider.Grant.find(grantId)
      const grant = new oidc.provider.Grant({ clientId, accountId: oidc.session!.accountId! })
      grant.addOIDCScope(DEV_TOKEN_SCOPE)
      grant.addResourceScope(resourceIndicator, DEV_TOKEN_SCOPE)
      await grant.save()
      return grant
    },
    clientBasedCORS: (_ctx: KoaContextWithOIDC, origin: string, client: Client) =>
      client.redirectUris.some((u) => new URL(u).origin === origin),
    features: {
      devInteractions: { enabled: false },
      // Access tokens are audience-bound JWTs, so the userinfo endpoint (which needs audience-less tokens) is off;
      // the ID token carries the profile claims instead.
      userinfo: { enabled: false },
      introspection: { enabled: false },
      revocation: { enabled: false },
      registration: { enabled: false },
      rpInitiatedLogout: { enabled: true, logoutSource: pageForLogout(input.basePath), postLogoutSuccessSource: pageForLogoutSuccess(input.basePath) },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => resourceIndicator,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: KoaContextWithOIDC, indicator: string) => {
          if (indicator !== resourceIndicator) throw new errors.InvalidTarget()
          return {
            scope: DEV_TOKEN_SCOPE,
            audience: input.apiAudience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: input.accessTokenTtlSeconds,
            jwt: { sign: { alg: 'RS256' } },
          }
        },
      },
    },
    renderError: pageForError(input.basePath),
    ttl: {
      // Resource server accessTokenTTL applies to the API tokens; this covers any other access token.
      AccessToken: input.accessTokenTtlSeconds,
      Interaction: 600,
      Session: 8 * 3600,
      Grant: 8 * 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
    },
  }
}
