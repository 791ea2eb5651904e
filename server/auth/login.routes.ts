import { Router, type Request, type Response } from 'express'
import * as oidc from 'openid-client'
import { UnauthorizedError } from '../errors.ts'
import { cookieNames, cookieOptions, readCookie } from './cookies.ts'
import { openLoginState, safeReturnTo, sealLoginState } from './login-state.ts'
import type { Principal } from './principal.ts'
import type { SessionSettings } from './session.service.ts'
import { createSession, endSession } from './session.service.ts'
import type { Database } from '../db/pool.ts'

export interface LoginDeps {
  db: Database
  client: () => Promise<oidc.Configuration>
  publicUrl: string
  scopes: string
  secure: boolean
  session: SessionSettings
  /** The access token is verified and mapped exactly like an API bearer token: one path to a principal. */
  principalFromAccessToken(token: string): Promise<Principal>
  onLogin(principal: Principal): Promise<void>
  onLoginFailed(reason: string): Promise<void>
}

const LOGIN_STATE_TTL_MS = 10 * 60_000

/** Authorization code flow with PKCE, state and nonce; server-side sessions; RP-initiated logout. */
export function loginRoutes(deps: LoginDeps): Router {
  const router = Router()
  const names = cookieNames(deps.secure)
  const redirectUri = `${deps.publicUrl}/auth/callback`

  router.get('/auth/login', async (req: Request, res: Response) => {
    const config = await deps.client()
    const codeVerifier = oidc.randomPKCECodeVerifier()
    const state = oidc.randomState()
    const nonce = oidc.randomNonce()
    const params: Record<string, string> = {
      redirect_uri: redirectUri,
      scope: deps.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    }
    // Step-up: force a fresh interactive login so auth_time and amr are renewed.
    if (req.query.stepUp === '1') Object.assign(params, { prompt: 'login', max_age: '0' })
    const sealed = sealLoginState(deps.session.secret, {
      state, nonce, codeVerifier, returnTo: safeReturnTo(req.query.returnTo), expiresAt: Date.now() + LOGIN_STATE_TTL_MS,
    })
    res.cookie(names.login, sealed, cookieOptions(deps.secure, LOGIN_STATE_TTL_MS))
    res.redirect(302, oidc.buildAuthorizationUrl(config, params).href)
  })

  router.get('/auth/callback', async (req: Request, res: Response) => {
    const login = openLoginState(deps.session.secret, readCookie(req, names.login))
    res.clearCookie(names.login, { path: '/' })
    if (!login) {
      await deps.onLoginFailed('login_state_invalid')
      throw new UnauthorizedError('login_state_invalid', 'the login expired or was not started here; sign in again')
    }
    let principal: Principal
    try {
      const tokens = await oidc.authorizationCodeGrant(await deps.client(), new URL(req.originalUrl, deps.publicUrl), {
        pkceCodeVerifier: login.codeVerifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      })
      principal = await deps.principalFromAccessToken(tokens.access_token)
    } catch (err) {
      const code = err instanceof UnauthorizedError ? err.code : 'login_failed'
      await deps.onLoginFailed(code)
      throw new UnauthorizedError('login_failed', 'sign-in could not be completed; try again')
    }
    const previous = readCookie(req, names.session)
    if (previous) await endSession(deps.db, previous)
    const session = await createSession(deps.db, principal, deps.session)
    res.cookie(names.session, session.cookieValue, cookieOptions(deps.secure, deps.session.absoluteHours * 3_600_000))
    await deps.onLogin(principal)
    res.redirect(302, login.returnTo)
  })

  router.post('/auth/logout', async (req: Request, res: Response) => {
    const cookie = readCookie(req, names.session)
    if (cookie) await endSession(deps.db, cookie)
    res.clearCookie(names.session, { path: '/' })
    let logoutUrl: string | null = null
    try {
      const config = await deps.client()
      if (config.serverMetadata().end_session_endpoint) {
        logoutUrl = oidc.buildEndSessionUrl(config, {
          client_id: config.clientMetadata().client_id,
          post_logout_redirect_uri: `${deps.publicUrl}/`,
        }).href
      }
    } catch {
      // The local session is gone either way; the IdP logout is best effort.
    }
    res.json({ loggedOut: true, logoutUrl })
  })

  return router
}
