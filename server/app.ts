import express, { type Express, type RequestHandler, type Router } from 'express'
import { ACCESS_MATRIX } from './auth/access-matrix.ts'
import { DEV_IDP_MOUNT_PATH } from './auth/dev-idp/constants.ts'
import type { Config } from './config.ts'
import type { Database } from './db/pool.ts'
import { healthRoutes } from './health/health.routes.ts'
import { cors } from './http/cors.ts'
import { errorHandler, notFound } from './http/error-handler.ts'
import { jsonBody } from './http/json-body.ts'
import { createRateLimits, type RateLimits } from './http/rate-limit.ts'
import { requestContext } from './http/request-context.ts'
import { methodNotAllowed, rejectMalformedPath, rejectMiscasedPrefixes, requireJsonBody } from './http/request-shape.ts'
import { routeLabel } from './http/route-label.ts'
import { routeTable, type RouteSpec } from './http/route-table.ts'
import { securityHeaders } from './http/security.ts'
import type { Logger } from './logger.ts'
import { metricsRoute } from './metrics/endpoint.ts'
import { countingDenials, httpMetrics } from './metrics/http-metrics.ts'

export interface AppDeps {
  config: Config
  db: Database
  logger: Logger
  /** Routers that parse their own bodies (the embedded IdP), mounted before the JSON parser and the guard. */
  preRouters?: Router[]
  /** The authentication/authorization gate in front of /api and /auth (server/auth/guard.ts). */
  guard?: RequestHandler
  /** Capability routers mounted in order after the guard (auth, search, chat, admin ...). */
  routers?: Router[]
  /** Rate limiters (counters shared in the database). Default: built from config; pass the same to the chat route. */
  rateLimits?: RateLimits
}

/** Path prefixes the guard protects (guard.ts): also the prefixes whose bodies must be JSON. */
const GUARDED_PREFIXES = ['/api/', '/auth/']

/** The only routes that take multipart/form-data instead of JSON. */
const MULTIPART_ROUTES: readonly RouteSpec[] = [{ method: 'POST', path: '/api/admin/documents' }]

/** Routes outside the access matrix, for 405 answers and route labels. */
function builtinRoutes(config: Config): RouteSpec[] {
  const paths = ['/healthz', '/readyz', ...(config.metrics.token ? ['/metrics'] : [])]
  return paths.flatMap((path) => [{ method: 'GET', path }, { method: 'HEAD', path }])
}

/**
 * Builds the HTTP application; never listens, so tests run it in-process through supertest. Order matters: request
 * id and metrics first so every answer is logged and measured; shape checks (path, method, CORS) before anything
 * touches the database; the per-address login limit before the IdP; the per-user API limit after the guard.
 */
export function createApp(deps: AppDeps): Express {
  const { config } = deps
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', config.trustProxy)
  app.set('query parser', 'simple')
  const table = routeTable([...ACCESS_MATRIX, ...builtinRoutes(config)])
  const limits = deps.rateLimits ?? createRateLimits(deps.db, config.rateLimit, { idpPrefix: DEV_IDP_MOUNT_PATH })
  app.use(requestContext(deps.logger, { trustIncomingId: config.trustProxy !== false, label: (req) => routeLabel(req, table) }))
  app.use(httpMetrics(table))
  app.use(securityHeaders({ production: config.env === 'production' }))
  app.use(rejectMalformedPath())
  app.use(rejectMiscasedPrefixes(GUARDED_PREFIXES))
  app.use(cors({ origins: config.corsOrigins, table }))
  app.use(methodNotAllowed(table))
  app.use(healthRoutes(deps.db))
  if (config.metrics.token) app.use(metricsRoute(config.metrics.token))
  app.use(limits.login)
  for (const router of deps.preRouters ?? []) app.use(router)
  if (deps.guard) app.use(countingDenials(deps.guard))
  app.use(limits.api)
  app.use(requireJsonBody({ prefixes: GUARDED_PREFIXES, multipart: routeTable(MULTIPART_ROUTES) }))
  app.use(jsonBody(config.httpJsonLimitBytes))
  for (const router of deps.routers ?? []) app.use(router)
  app.use(notFound())
  app.use(errorHandler())
  return app
}
