import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/**
 * The process's one metrics registry and the typed helpers other modules call. Labels take only values from fixed
 * sets (route patterns, error codes, limiter names): never a raw path, a user id or a tenant id, so neither
 * cardinality nor the scrape output can be driven by a client.
 */
export const registry = new Registry()

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

const httpDuration = new Histogram({
  name: 'strongroom_http_request_duration_seconds',
  help: 'HTTP request latency by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: SECONDS,
  registers: [registry],
})
const rateLimitHits = new Counter({
  name: 'strongroom_rate_limit_hits_total',
  help: 'Requests refused with 429 by each rate limiter',
  labelNames: ['limiter'] as const,
  registers: [registry],
})
const authDenials = new Counter({
  name: 'strongroom_auth_denials_total',
  help: 'Requests the authentication/authorization guard refused, by error code',
  labelNames: ['code'] as const,
  registers: [registry],
})
const chatGuardBlocks = new Counter({
  name: 'strongroom_chat_guard_blocks_total',
  help: 'Chat inputs or outputs blocked by a content guard, by guard type',
  labelNames: ['type'] as const,
  registers: [registry],
})
const retrievalDuration = new Histogram({
  name: 'strongroom_retrieval_duration_seconds',
  help: 'Retrieval query latency by plan (exact scan or HNSW index)',
  labelNames: ['route'] as const,
  buckets: SECONDS,
  registers: [registry],
})
const purged = new Counter({
  name: 'strongroom_retention_purged_total',
  help: 'Rows removed by the retention purge job',
  registers: [registry],
})

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
const CODE = /^[a-z][a-z0-9_]{0,47}$/

/** Any label value outside the expected shape collapses to `other`, so a bug cannot explode the series count. */
function code(value: string): string {
  return CODE.test(value) ? value : 'other'
}

let processMetrics = false
/** Node process metrics (heap, event-loop lag, GC): started once, only by a process that serves /metrics. */
export function enableProcessMetrics(): void {
  if (processMetrics) return
  processMetrics = true
  collectDefaultMetrics({ register: registry, prefix: 'strongroom_' })
}

export function observeHttpRequest(method: string, route: string, status: number, seconds: number): void {
  httpDuration.observe({ method: METHODS.has(method) ? method : 'other', route, status: String(status) }, seconds)
}

export function countRateLimitHit(limiter: 'login' | 'api' | 'chat'): void {
  rateLimitHits.inc({ limiter })
}

/** `code` is the guard's error code (token_expired, forbidden_role, csrf_token_invalid ...). */
export function countAuthDenial(errorCode: string): void {
  authDenials.inc({ code: code(errorCode) })
}

/** `type` is a fixed snake_case guard name (e.g. prompt_injection, secret_output), never content. */
export function countGuardBlock(type: string): void {
  chatGuardBlocks.inc({ type: code(type) })
}

export function observeRetrieval(route: 'exact' | 'hnsw', ms: number): void {
  retrievalDuration.observe({ route }, ms / 1000)
}

export function countPurge(n: number): void {
  if (Number.isFinite(n) && n > 0) purged.inc(n)
}
