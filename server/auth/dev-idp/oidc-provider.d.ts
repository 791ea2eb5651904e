/**
 * Minimal typings for the parts of oidc-provider v9 the dev IdP uses (the package ships none; @types/oidc-provider
 * is not installed). If @types/oidc-provider is added later, delete this file.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  export interface LoginResult {
    accountId: string
    amr?: string[]
    acr?: string
    ts?: number
    remember?: boolean
  }

  export interface InteractionResults {
    login?: LoginResult
    consent?: { grantId?: string }
    error?: string
    error_description?: string
  }

  export interface Interaction {
    uid: string
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> }
    params: Record<string, unknown>
    returnTo: string
    exp: number
  }

  export interface Grant {
    addOIDCScope(scope: string): void
    addResourceScope(resource: string, scope: string): void
    save(): Promise<string>
  }

  export interface GrantConstructor {
    new (props: { accountId: string; clientId: string }): Grant
    find(id: string): Promise<Grant | undefined>
  }

  export interface Client {
    clientId: string
    clientName?: string
    redirectUris: string[]
  }

  export interface Session {
    accountId?: string
    amr?: string[]
    authTime(): number | undefined
    grantIdFor(clientId: string): string | undefined
  }

  export interface AuthenticationSource {
    amr?: string[]
    authTime?: number
  }

  export interface OIDCContext {
    client?: Client
    session?: Session
    result?: InteractionResults
    entities: { AuthorizationCode?: AuthenticationSource; RefreshToken?: AuthenticationSource }
    provider: Provider
  }

  /** The Koa context oidc-provider passes to configuration callbacks. */
  export interface KoaContextWithOIDC {
    oidc: OIDCContext
    host: string
    type: string
    body: unknown
    status: number
  }

  export interface TokenLike {
    kind: string
    accountId?: string
  }

  export interface Account {
    accountId: string
    claims(use: string, scope: string): Promise<Record<string, unknown>> | Record<string, unknown>
  }

  export type Configuration = Record<string, unknown>

  export class Provider {
    constructor(issuer: string, configuration?: Configuration)
    readonly issuer: string
    /** Trust X-Forwarded-* headers (Koa `app.proxy`). */
    proxy: boolean
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>
    interactionFinished(
      req: IncomingMessage, res: ServerResponse, result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>
    readonly Grant: GrantConstructor
    on(event: string, listener: (...args: unknown[]) => void): this
  }

  export const errors: {
    OIDCProviderError: new (status: number, message: string) => Error & { status: number; error: string }
    SessionNotFound: new (description?: string) => Error & { status: number; error: string }
    InvalidTarget: new (description?: string) => Error & { status: number; error: string }
  }

  export default Provider
}
