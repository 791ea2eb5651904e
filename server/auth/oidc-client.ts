import * as oidc from 'openid-client'

export interface OidcClientOptions {
  issuer: string
  clientId: string
  clientSecret: string | undefined
  /** Plain-HTTP issuers are accepted only for the embedded development IdP. */
  allowHttp: boolean
}

/**
 * The relying-party configuration, discovered on first use and cached; a failed discovery is retried on the next
 * login rather than cached, so the server can start before its IdP answers.
 */
export function lazyOidcClient(opts: OidcClientOptions): () => Promise<oidc.Configuration> {
  let pending: Promise<oidc.Configuration> | undefined
  return () => {
    pending ??= oidc
      .discovery(
        new URL(opts.issuer),
        opts.clientId,
        undefined,
        opts.clientSecret ? oidc.ClientSecretPost(opts.clientSecret) : oidc.None(),
        opts.allowHttp ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((err: unknown) => {
        pending = undefined
        throw err
      })
    return pending
  }
}
