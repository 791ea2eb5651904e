import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import express, { Router, type NextFunction, type Request, type Response } from 'express'
import { errors, type Interaction, type Provider } from 'oidc-provider'
import { findDemoUser } from '../demo-users.ts'
import { createTotpVerifier, verifyPassword } from './credentials.ts'
import { loginPage, messagePage, STYLESHEET, totpPage } from './pages.ts'

const STEP_TTL_MS = 5 * 60_000
/** Wrong passwords and codes allowed per interaction before it is aborted with access_denied. */
const MAX_FAILURES = 5
const GENERIC_LOGIN_ERROR = 'Invalid username or password.'
const FRESH = { mergeWithLastSubmission: false }

interface StepState { failures: number; expiresAt: number; username?: string }

class InteractionError extends Error {
  constructor(readonly status: number, message: string) { super(message) }
}

export interface InteractionRouterOptions {
  provider: Provider
  /** Path of the issuer (the router's mount point), e.g. `/oidc`. */
  basePath: string
  /** Origins the login forms may end up redirecting to (the clients' redirect URIs), for CSP `form-action`. */
  formActionOrigins: string[]
}

/**
 * The login interaction: password, then TOTP, then `interactionFinished` with `amr: ['pwd','otp']`.
 *
 * CSRF: the interaction is bound to oidc-provider's signed, SameSite=Lax, HttpOnly `_interaction` cookie, whose
 * value must equal the uid in the URL, so a cross-site form POST arrives without it and fails. Because SameSite
 * does not separate sibling sites (all of localhost is one site), every form also carries a per-interaction token,
 * HMAC(per-process secret, uid), checked in constant time before any credential is looked at.
 *
 * The password-verified state lives in this process's memory keyed by interaction uid (see createDevIdp on why
 * in-memory state is acceptable here); it never goes into the interaction result, so skipping to the resume URL
 * after the password step cannot complete a login without the second factor.
 */
export function createInteractionRouter(opts: InteractionRouterOptions): Router {
  const { provider, basePath } = opts
  const router = Router()
  const secret = randomBytes(32)
  const steps = new Map<string, StepState>()
  const verifyTotp = createTotpVerifier()
  const cssHref = `${basePath}/dev-idp.css`
  const body = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 })
  const csp = `default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'; ` +
    `form-action 'self' ${opts.formActionOrigins.join(' ')}`.trim()

  const csrfFor = (uid: string) => createHmac('sha256', secret).update(`dev-idp-csrf:${uid}`).digest('base64url')
  const paths = (uid: string) => {
    const base = `${basePath}/interaction/${encodeURIComponent(uid)}`
    return { page: base, login: `${base}/login`, otp: `${base}/otp`, abort: `${base}/abort` }
  }
  const stateFor = (uid: string): StepState => {
    const now = Date.now()
    for (const [key, s] of steps) if (s.expiresAt < now) steps.delete(key)
    let state = steps.get(uid)
    if (state === undefined) steps.set(uid, (state = { failures: 0, expiresAt: now + STEP_TTL_MS }))
    return state
  }

  async function load(req: Request, res: Response, checkCsrf: boolean): Promise<Interaction> {
    const details = await provider.interactionDetails(req, res)
    if (details.uid !== req.params.uid) throw new errors.SessionNotFound('interaction uid mismatch')
    if (details.prompt.name !== 'login') throw new InteractionError(400, 'This sign-in step is not supported.')
    if (checkCsrf) {
      const sent = Buffer.from(typeof req.body?.csrf === 'string' ? req.body.csrf : '')
      const expected = Buffer.from(csrfFor(details.uid))
      if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
        throw new InteractionError(403, 'The form could not be verified. Return to the application and sign in again.')
      }
    }
    return details
  }

  function field(req: Request, name: string): string {
    const value: unknown = req.body?.[name]
    return typeof value === 'string' ? value.slice(0, 256) : ''
  }

  function show(res: Response, details: Interaction, state: StepState, view: { status?: number; error?: string; username?: string }) {
    const p = paths(details.uid)
    const common = { cssHref, abortAction: p.abort, csrf: csrfFor(details.uid), error: view.error }
    const html = state.username === undefined
      ? loginPage({ ...common, action: p.login, clientName: String(details.params.client_id ?? ''), username: view.username })
      : totpPage({ ...common, action: p.otp, username: state.username })
    res.status(view.status ?? 200).type('html').send(html)
  }

  async function fail(req: Request, res: Response, details: Interaction, state: StepState, error: string, username?: string) {
    state.failures += 1
    if (state.failures < MAX_FAILURES) return show(res, details, state, { status: 401, error, username })
    steps.delete(details.uid)
    return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'too many failed sign-in attempts' }, FRESH)
  }

  router.get('/dev-idp.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=300').send(STYLESHEET)
  })

  router.use('/interaction', (_req, res, next) => {
    res.set({ 'Cache-Control': 'no-store', 'Content-Security-Policy': csp, 'Referrer-Policy': 'no-referrer' })
    next()
  })

  router.get('/interaction/:uid', async (req, res) => {
    const details = await load(req, res, false)
    show(res, details, stateFor(details.uid), {})
  })

  router.post('/interaction/:uid/login', body, async (req, res) => {
    const details = await load(req, res, true)
    const state = stateFor(details.uid)
    const username = field(req, 'username').trim()
    const user = verifyPassword(username, field(req, 'password'))
    if (user === undefined) return fail(req, res, details, state, GENERIC_LOGIN_ERROR, username)
    state.username = user.username
    res.redirect(303, paths(details.uid).page)
  })

  router.post('/interaction/:uid/otp', body, async (req, res) => {
    const details = await load(req, res, true)
    const state = stateFor(details.uid)
    const user = state.username === undefined ? undefined : findDemoUser(state.username)
    if (user === undefined) return res.redirect(303, paths(details.uid).page)
    if (!verifyTotp(user, field(req, 'code').trim())) return fail(req, res, details, state, 'Invalid verification code.')
    steps.delete(details.uid)
    return provider.interactionFinished(req, res, { login: { accountId: user.username, amr: ['pwd', 'otp'] } }, FRESH)
  })

  router.post('/interaction/:uid/abort', body, async (req, res) => {
    const details = await load(req, res, true)
    steps.delete(details.uid)
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'sign-in cancelled' }, FRESH)
  })

  router.use('/interaction', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof InteractionError) {
      return res.status(err.status).type('html').send(messagePage(cssHref, 'Sign-in failed', [err.message]))
    }
    if (err instanceof errors.SessionNotFound) {
      const lines = ['This sign-in request has expired or is not valid.', 'Return to the application and sign in again.']
      return res.status(400).type('html').send(messagePage(cssHref, 'Sign-in expired', lines))
    }
    return next(err)
  })

  return router
}
