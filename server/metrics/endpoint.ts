import { createHash, timingSafeEqual } from 'node:crypto'
import http, { type Server } from 'node:http'
import { Router } from 'express'
import { AppError } from '../errors.ts'
import { enableProcessMetrics, registry } from './metrics.ts'

/**
 * GET /metrics on the main application, for deployments where the scraper reaches only the public port
 * (METRICS_TOKEN). The token is compared as SHA-256 digests in constant time, so neither its length nor a prefix
 * leaks through timing. Without METRICS_TOKEN this router is not mounted and /metrics is a plain 404.
 */
export function metricsRoute(token: string): Router {
  enableProcessMetrics()
  const expected = createHash('sha256').update(token).digest()
  const router = Router()
  router.get('/metrics', async (req, res) => {
    const m = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '')
    const given = createHash('sha256').update(m?.[1] ?? '').digest()
    if (!m || !timingSafeEqual(given, expected)) {
      throw new AppError('metrics_token_invalid', 'a valid metrics bearer token is required', {
        status: 401,
        headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
      })
    }
    res.set('Cache-Control', 'no-store').type(registry.contentType).send(await registry.metrics())
  })
  return router
}

/**
 * A separate listener answering only GET /metrics (METRICS_PORT), without authentication: bind it to loopback or a
 * private interface that only the scraper reaches (METRICS_HOST, default 127.0.0.1). It shares no middleware,
 * cookies or routes with the application.
 */
export async function startMetricsServer(opts: { port: number; host: string }): Promise<Server> {
  enableProcessMetrics()
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]
    const send = (status: number, type: string, body: string, extra: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...extra })
      res.end(req.method === 'HEAD' ? undefined : body)
    }
    if (path !== '/metrics') return send(404, 'text/plain; charset=utf-8', 'not found\n')
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain; charset=utf-8', 'method not allowed\n', { Allow: 'GET, HEAD' })
    registry.metrics().then(
      (text) => send(200, registry.contentType, text),
      () => send(500, 'text/plain; charset=utf-8', 'metrics unavailable\n'),
    )
  })
  server.requestTimeout = 10_000
  server.headersTimeout = 5_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  return server
}
