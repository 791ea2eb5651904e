import type { NextFunction, Request, Response } from 'express'
import type { RouteTable } from './route-table.ts'

const ALLOW_HEADERS = 'Authorization, Content-Type, X-CSRF-Token, X-Request-Id'
const EXPOSE_HEADERS = 'Retry-After, X-Request-Id'

/**
 * CORS for an explicit allow-list of origins (CORS_ORIGINS); empty by default, which means same-origin only: no
 * CORS header is ever sent and browsers keep other sites from reading responses.
 *
 * Security decisions:
 * - The allowed origin is echoed exactly; there is no wildcard and no pattern matching, so `evil-example.com` can
 *   never pass as `example.com`.
 * - Preflights are answered (204) only for a listed origin and a known path, with that path's methods. Any other
 *   preflight falls through to the uniform 405/404, without CORS headers, so the browser refuses the real request.
 * - Credentials are allowed only for listed origins. Cookie-authenticated writes from them are still refused by the
 *   guard's Origin check (CSRF); cross-origin clients are expected to use bearer tokens.
 */
export function cors(opts: { origins: readonly string[]; table: RouteTable }) {
  const allowed = new Set(opts.origins)
  return (req: Request, res: Response, next: NextFunction) => {
    if (allowed.size === 0) return next()
    res.vary('Origin')
    const origin = req.get('origin')
    if (origin === undefined || !allowed.has(origin)) return next()
    const preflight = req.method === 'OPTIONS' && req.get('access-control-request-method') !== undefined
    const methods = opts.table.methods(req.path)
    if (preflight && methods === undefined) return next()
    res.set({ 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true' })
    if (!preflight) {
      res.set('Access-Control-Expose-Headers', EXPOSE_HEADERS)
      return next()
    }
    res.set({
      'Access-Control-Allow-Methods': (methods as string[]).join(', '),
      'Access-Control-Allow-Headers': ALLOW_HEADERS,
      'Access-Control-Max-Age': '600',
    })
    res.status(204).end()
  }
}
