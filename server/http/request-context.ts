import { randomUUID } from 'node:crypto'
import type { NextFunction, Request, Response } from 'express'
import type { Logger } from '../logger.ts'

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      id: string
      log: Logger
    }
  }
}

const INCOMING_ID = /^[A-Za-z0-9._-]{8,64}$/
// A client may send any token as the method; only standard ones are logged verbatim.
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

export interface RequestContextOptions {
  /** Keep a well-formed incoming X-Request-Id (set when a trusted proxy assigns ids; else clients could choose them). */
  trustIncomingId?: boolean
  /** The route pattern to log (route-label.ts); default: the matched Express route's path. */
  label?(req: Request): string
}

/**
 * Gives each request an id (a well-formed X-Request-Id from a trusted proxy is kept, anything else replaced), a child
 * logger carrying it, and one access-log line with method, route pattern, status and duration: never the raw path,
 * query text, headers or bodies.
 */
export function requestContext(logger: Logger, opts: RequestContextOptions = {}) {
  const trustIncomingId = opts.trustIncomingId ?? false
  const label = opts.label ?? ((req: Request) => req.route?.path ?? 'unmatched')
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = trustIncomingId ? req.get('x-request-id') : undefined
    req.id = incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID()
    req.log = logger.child({ requestId: req.id })
    res.setHeader('X-Request-Id', req.id)
    const started = process.hrtime.bigint()
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      req.log.info(
        { method: METHODS.has(req.method) ? req.method : 'other', route: label(req), status: res.statusCode, ms: Math.round(ms * 10) / 10 },
        'request',
      )
    })
    next()
  }
}
