import { timingSafeEqual } from 'node:crypto'
import type { NextFunction, Request, Response } from 'express'
import { match } from 'path-to-regexp'
import { ForbiddenError, NotFoundError, UnauthorizedError } from '../errors.ts'
import type { RouteAccess } from './access-matrix.ts'
import { hasFreshMfa, type Principal } from './principal.ts'

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set only by the guard, only from a verified token or a server-side session. */
      principal?: Principal
      authMethod?: 'bearer' | 'session'
      csrfToken?: string
      sessionCookie?: string
    }
  }
}

export interface GuardDeps {
  matrix: readonly RouteAccess[]
  /** Verifies a bearer token and maps its claims; throws UnauthorizedError with a token_* code. */
  principalFromBearer(token: string): Promise<Principal>
  /** Resolves the session cookie, if any. */
  principalFromSession(req: Request): Promise<{ principal: Principal; csrfToken: string } | { expired: true } | undefined>
  stepUpMaxAgeSeconds: number
  publicOrigin: string
  /** Called for each authentication failure, for the audit log (codes only). */
  onRejected?(req: Request, code: string): void
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const GUARDED_PREFIXES = ['/api/', '/auth/']

/**
 * The one gate in front of every API route: authentication (bearer token or session), CSRF for cookie-authenticated
 * writes, role and step-up checks from the access matrix. Attributes come only from the verified token or the
 * server-side session; no header, query or body field can set or widen them.
 */
export function guard(deps: GuardDeps) {
  const routes = deps.matrix.map((r) => ({ ...r, test: match(r.path, { decode: decodeURIComponent }) }))
  return async (req: Request, _res: Response, next: NextFunction) => {
    // Express routes match case-insensitively, so the gate must too: /API/ME reaches the /api/me handler.
    const path = req.path.toLowerCase()
    if (!GUARDED_PREFIXES.some((p) => path.startsWith(p))) return next()
    const route = routes.find((r) => r.method === req.method && r.test(path))
    if (!route) {
      if (path.startsWith('/api/')) throw new NotFoundError('not_found', 'no such route')
      return next()
    }
    if (route.access === 'public') return next()
    try {
      await authenticate(req, deps)
    } catch (err) {
      if (err instanceof UnauthorizedError) deps.onRejected?.(req, err.code)
      throw err
    }
    const principal = req.principal as Principal
    if (req.authMethod === 'session' && STATE_CHANGING.has(req.method)) checkCsrf(req, deps.publicOrigin)
    if (route.access !== 'authenticated' && !route.access.some((role) => principal.roles.includes(role))) {
      throw new ForbiddenError('forbidden_role', 'your roles do not allow this action')
    }
    if (route.stepUp && !hasFreshMfa(principal, deps.stepUpMaxAgeSeconds)) {
      throw new UnauthorizedError('step_up_required', 'sign in again with a second factor to continue')
    }
    next()
  }
}

async function authenticate(req: Request, deps: GuardDeps): Promise<void> {
  const header = req.get('authorization')
  if (header !== undefined) {
    const m = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header)
    if (!m) throw new UnauthorizedError('token_malformed', 'the Authorization header must be "Bearer <token>"')
    req.principal = await deps.principalFromBearer(m[1] as string)
    req.authMethod = 'bearer'
    return
  }
  const session = await deps.principalFromSession(req)
  if (session && 'expired' in session) throw new UnauthorizedError('session_expired', 'your session has expired')
  if (!session) throw new UnauthorizedError('authentication_required', 'sign in or send a bearer token')
  req.principal = session.principal
  req.authMethod = 'session'
  req.csrfToken = session.csrfToken
}

function checkCsrf(req: Request, publicOrigin: string): void {
  const origin = req.get('origin')
  if (origin !== undefined && origin !== publicOrigin) {
    throw new ForbiddenError('csrf_origin_invalid', 'cross-origin request refused')
  }
  const given = Buffer.from(req.get('x-csrf-token') ?? '')
  const expected = Buffer.from(req.csrfToken ?? '')
  if (expected.length === 0 || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ForbiddenError('csrf_token_invalid', 'missing or invalid X-CSRF-Token header')
  }
}
