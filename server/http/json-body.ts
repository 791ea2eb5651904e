import express, { type NextFunction, type Request, type Response } from 'express'
import { match } from 'path-to-regexp'

/** A JSON body limit for one route pattern, overriding HTTP_JSON_LIMIT_BYTES. */
export interface BodyLimit {
  path: string
  limitBytes: number
}

/**
 * Routes whose JSON bodies are bounded differently from the default. A logout has no body, so a client cannot make
 * the server buffer and parse 64 KiB there. A route added here must allow its largest valid input in escaped JSON
 * (up to 6 bytes per character for `\uXXXX`): the default chat cap (CHAT_MAX_MESSAGE_CHARS=4000) fits the default limit.
 */
export const ROUTE_BODY_LIMITS: readonly BodyLimit[] = [
  { path: '/auth/logout', limitBytes: 1024 },
]

/** The JSON parser with a per-route limit: the first matching pattern's limit, else the default. Strict JSON only. */
export function jsonBody(defaultLimitBytes: number, routes: readonly BodyLimit[] = ROUTE_BODY_LIMITS) {
  const fallback = express.json({ limit: defaultLimitBytes, strict: true })
  const specific = routes.map((r) => ({
    test: match(r.path, { decode: false }),
    parser: express.json({ limit: r.limitBytes, strict: true }),
  }))
  return (req: Request, res: Response, next: NextFunction) => {
    const parser = specific.find((s) => s.test(req.path) !== false)?.parser ?? fallback
    parser(req, res, next)
  }
}
