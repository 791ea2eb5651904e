import { createHash } from 'node:crypto'
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { match } from 'path-to-regexp'
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible'
import type { Database } from '../db/pool.ts'
import { TooManyRequestsError } from '../errors.ts'
import { countRateLimitHit } from '../metrics/metrics.ts'
import { clientAddressKey } from './client-key.ts'

/** Requests allowed per key in a one-minute window that starts at the key's first request (config.ts RATE_LIMIT_*). */
export interface RateLimitSettings {
  loginPerMinute: number
  apiPerMinute: number
  chatPerMinute: number
}

export interface RateLimits {
  /** Per client address on /auth/login, /auth/callback and the IdP's credential posts; mount before the IdP. */
  login: RequestHandler
  /** Per user on every authenticated /api request; mount after the guard. */
  api: RequestHandler
  /** Per user, for the chat route: `router.post('/api/chat', rateLimits.chat, handler)`. */
  chat: RequestHandler
}

type LimiterName = 'login' | 'api' | 'chat'

/**
 * Rate limits whose counters live in the database (migrations/0007_rate_limits.sql), so every instance behind a load
 * balancer counts against the same budget. rate-limiter-flexible's own Postgres store is used as is; it runs on the
 * server and on PGlite through the application pool (as strongroom_app, table created by the migration).
 *
 * Security decisions:
 * - Keys are SHA-256 digests of the client address or of (tenant, user), so the table holds no address or user id
 *   in clear (for IPv4 this is pseudonymisation, not anonymity: the space is small enough to enumerate).
 * - If the database fails, each instance falls back to an in-memory limiter with the same budget: limits degrade
 *   to per-instance counting instead of disappearing. A key that is over its limit is also blocked in memory until its window ends,
 *   so a flood from one client costs no further database writes on that instance.
 * - The login limit covers GET /auth/login, GET /auth/callback and POSTs to `<idp>/interaction/*` (password and TOTP
 *   submissions): about four requests per interactive sign-in. Paths match as Express routes them (any case, optional
 *   trailing slash), so no spelling of a login path escapes the count.
 */
export function createRateLimits(db: Database, settings: RateLimitSettings, opts: { idpPrefix?: string } = {}): RateLimits {
  // The pool getter is read per query: on a server the pool object is replaced when it switches to the app role.
  // Counter writes do not wait for the WAL flush (pool.ts counterPool): a crash may forget a second of counts.
  const storeClient = { query: (q: unknown) => db.counterPool.query(q as never) }
  const limiter = (name: LimiterName, points: number, clearExpired: boolean) =>
    new RateLimiterPostgres({
      storeClient,
      storeType: 'pool',
      tableName: 'rate_limits',
      tableCreated: true,
      clearExpiredByTimeout: clearExpired,
      keyPrefix: name,
      points,
      duration: 60,
      inMemoryBlockOnConsumed: points + 1,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${name}-insurance`, points, duration: 60 }),
    })

  const loginPaths = [match('/auth/login', { decode: false }), match('/auth/callback', { decode: false })]
  const idpPost = new RegExp(`^${escapeRegExp(opts.idpPrefix ?? '/oidc')}/interaction/`, 'i')
  const isLogin = (req: Request) =>
    loginPaths.some((m) => m(req.path) !== false) || (req.method === 'POST' && idpPost.test(req.path))

  return {
    login: limit('login', limiter('login', settings.loginPerMinute, false), (req) =>
      isLogin(req) ? `ip:${clientAddressKey(req.ip)}` : undefined),
    api: limit('api', limiter('api', settings.apiPerMinute, true), (req) =>
      req.principal && req.path.startsWith('/api/') ? userKey(req) : undefined),
    chat: limit('chat', limiter('chat', settings.chatPerMinute, false), (req) =>
      req.principal ? userKey(req) : `ip:${clientAddressKey(req.ip)}`),
  }
}

function limit(name: LimiterName, limiter: RateLimiterPostgres, keyOf: (req: Request) => string | undefined): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const key = keyOf(req)
    if (key === undefined) return next()
    try {
      await limiter.consume(createHash('sha256').update(key).digest('base64url'))
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err
      countRateLimitHit(name)
      throw new TooManyRequestsError('rate_limited', 'too many requests; retry after the time in Retry-After', err.msBeforeNext / 1000)
    }
    next()
  }
}

function userKey(req: Request): string {
  const p = req.principal as NonNullable<Request['principal']>
  return `user:${JSON.stringify([p.tenantId, p.userId])}`
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
