import type { NextFunction, Request, Response } from 'express'
import { AppError, BadRequestError, NotFoundError } from '../errors.ts'
import type { RouteTable } from './route-table.ts'

/**
 * A path whose percent-escapes do not decode is refused with 400 before any router or the guard tries to decode it
 * (an undecodable parameter would otherwise surface as an unexpected error).
 */
export function rejectMalformedPath() {
  return (req: Request, _res: Response, next: NextFunction) => {
    try {
      decodeURIComponent(req.path)
    } catch {
      throw new BadRequestError('malformed_path', 'the request path is not valid percent-encoding')
    }
    next()
  }
}

/**
 * Express matches routes case-insensitively, but the guard recognises the paths it protects by their lower-case
 * prefixes: `/API/ME` would reach the /api/me handler without passing the guard. Any path whose prefix is one of
 * `prefixes` in another case is therefore answered 404 before routing.
 */
export function rejectMiscasedPrefixes(prefixes: readonly string[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const lower = req.path.toLowerCase()
    if (prefixes.some((p) => lower.startsWith(p) && !req.path.startsWith(p))) {
      throw new NotFoundError('not_found', 'no such route')
    }
    next()
  }
}

/**
 * Uniform JSON 405 with an Allow header for a known path called with a method it does not take. The known paths
 * and their methods come from the access matrix, so this answer and the guard's can never disagree.
 */
export function methodNotAllowed(table: RouteTable) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const methods = table.methods(req.path)
    if (methods === undefined || methods.includes(req.method)) return next()
    throw new AppError('method_not_allowed', 'this method is not allowed on this path', {
      status: 405,
      headers: { Allow: methods.join(', ') },
    })
  }
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH'])

/**
 * Under the JSON API prefixes, a POST/PUT/PATCH that carries a body must say `application/json`; anything else is
 * 415 unsupported_media_type instead of being silently left unparsed. The routes in `multipart` (the admin upload)
 * take multipart/form-data instead. The embedded IdP's form posts live outside these prefixes.
 */
export function requireJsonBody(opts: { prefixes: readonly string[]; multipart: RouteTable }) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!WITH_BODY.has(req.method) || !opts.prefixes.some((p) => req.path.startsWith(p)) || !hasBody(req)) return next()
    if (req.is('application/json')) return next()
    if (opts.multipart.methods(req.path)?.includes(req.method) && req.is('multipart/form-data')) return next()
    throw new AppError('unsupported_media_type', 'send the request body as application/json', { status: 415 })
  }
}

function hasBody(req: Request): boolean {
  const length = req.get('content-length')
  return req.get('transfer-encoding') !== undefined || (length !== undefined && length !== '0')
}
