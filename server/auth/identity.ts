import { createHmac } from 'node:crypto'
import express, { type Request, type RequestHandler, type Router } from 'express'
import type { Config } from '../config.ts'
import type { Database } from '../db/pool.ts'
import type { Logger } from '../logger.ts'
import { ACCESS_MATRIX } from './access-matrix.ts'
import { cookieNames, readCookie } from './cookies.ts'
import { devIdpIssuer } from './dev-idp/constants.ts'
import type { DevIdp } from './dev-idp/index.ts'
import { guard } from './guard.ts'
import { loginRoutes } from './login.routes.ts'
import { meRoutes } from './me.routes.ts'
import { lazyOidcClient } from './oidc-client.ts'
import { principalFromClaims, type Principal } from './principal.ts'
import { loadSessionSecret } from './session-secret.ts'
import { resolveSession, type SessionSettings } from './session.service.ts'
import { createTokenVerifier, type TokenVerifier } from './verify-token.ts'

/** What the audit log hears from identity: event names and codes, never tokens or passwords. */
export interface IdentityAudit {
  login(principal: Principal): Promise<void>
  loginFailed(reason: string): Promise<void>
  tokenRejected(code: string, route: string): void
}

export interface Identity {
  /** Mounted before body parsers: the embedded IdP parses its own bodies. */
  preRouters: Router[]
  guard: RequestHandler
  routers: Router[]
  devIdp: DevIdp | undefined
  issuer: string
  principalFromBearer(token: string): Promise<Principal>
}

/**
 * Builds identity from configuration: the embedded development IdP when OIDC_ISSUER is unset (config refuses that
 * in production), else the external issuer; one token verifier for API bearer tokens and web logins alike.
 */
export async function createIdentity(config: Config, db: Database, logger: Logger, audit: IdentityAudit): Promise<Identity> {
  const secret = loadSessionSecret(config.session.secret, config.dataDir)
  const secure = config.env === 'production' || config.publicUrl.startsWith('https:')
  const embedded = config.oidc.issuer === undefined
  const issuer = config.oidc.issuer ?? devIdpIssuer(config.publicUrl)
  // Imported only when used: production never loads the development IdP, and a start that fails earlier prints
  // just its own error (oidc-provider warns on import under Node 20).
  const devIdp = embedded
    ? await (await import('./dev-idp/index.ts')).createDevIdp({
        issuer,
        dataDir: config.dataDir,
        apiAudience: config.oidc.audience,
        clients: [{
          clientId: config.oidc.clientId,
          redirectUris: [`${config.publicUrl}/auth/callback`],
          postLogoutRedirectUris: [`${config.publicUrl}/`],
        }],
        cookieKeys: [createHmac('sha256', secret).update('dev-idp-cookies').digest('base64url')],
        trustProxy: config.trustProxy !== false,
      })
    : undefined
  if (devIdp) devIdp.provider.on('server_error', (...args: unknown[]) => logger.error({ err: args[1] }, 'dev idp error'))

  const client = lazyOidcClient({ issuer, clientId: config.oidc.clientId, clientSecret: config.oidc.clientSecret, allowHttp: embedded })
  let verifier: Promise<TokenVerifier> | undefined
  const getVerifier = () => {
    verifier ??= (async () => {
      const jwks = devIdp ? devIdp.publicJwks : new URL(config.oidc.jwksUrl ?? (await client()).serverMetadata().jwks_uri ?? '')
      return createTokenVerifier({
        issuer,
        audience: config.oidc.audience,
        jwks,
        algorithms: devIdp ? ['RS256'] : config.oidc.algorithms,
        clockToleranceSeconds: config.oidc.clockToleranceSeconds,
        requiredTyp: config.oidc.tokenType,
      })
    })().catch((err: unknown) => {
      verifier = undefined
      throw err
    })
    return verifier
  }
  const principalFromBearer = async (token: string) =>
    principalFromClaims(await (await getVerifier()).verify(token), config.oidc.claims)

  const session: SessionSettings = { secret, idleMinutes: config.session.idleMinutes, absoluteHours: config.session.absoluteHours }
  const sessionCookie = cookieNames(secure).session
  return {
    preRouters: devIdp ? [mountedAt(devIdp)] : [],
    guard: guard({
      matrix: ACCESS_MATRIX,
      principalFromBearer,
      principalFromSession: async (req: Request) => {
        const value = readCookie(req, sessionCookie)
        return value ? resolveSession(db, value, session) : undefined
      },
      stepUpMaxAgeSeconds: config.session.stepUpMaxAgeSeconds,
      publicOrigin: new URL(config.publicUrl).origin,
      onRejected: (req, code) => audit.tokenRejected(code, req.route?.path ?? req.path.slice(0, 80)),
    }),
    routers: [
      loginRoutes({
        db, client, publicUrl: config.publicUrl, scopes: config.oidc.scopes, secure, session,
        principalFromAccessToken: principalFromBearer,
        onLogin: audit.login,
        onLoginFailed: audit.loginFailed,
      }),
      meRoutes(config.session.stepUpMaxAgeSeconds),
    ],
    devIdp,
    issuer,
    principalFromBearer,
  }
}

function mountedAt(devIdp: DevIdp): Router {
  // Express strips the mount path before the IdP router sees the URL, as oidc-provider expects.
  const outer = express.Router()
  outer.use(devIdp.mountPath, devIdp.router)
  return outer
}
