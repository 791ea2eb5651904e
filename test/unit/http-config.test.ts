import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { loadConfig } from '../../server/config.ts'
import { ConfigError } from '../../server/errors.ts'

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
  return []
}

describe('config: HTTP hardening, rate limits and metrics', () => {
  it('when nothing is set, then CORS is closed, limits apply and metrics are not served', () => {
    const c = loadConfig({})
    assert.deepEqual(c.corsOrigins, [])
    assert.deepEqual(c.rateLimit, { loginPerMinute: 30, apiPerMinute: 300, chatPerMinute: 20 })
    assert.deepEqual(c.metrics, { port: undefined, host: '127.0.0.1', token: undefined })
    assert.deepEqual(c.httpTimeouts, { requestMs: 30_000, headersMs: 15_000, keepAliveMs: 5_000 })
  })

  it('when CORS_ORIGINS lists exact origins, then they are kept in order', () => {
    const c = loadConfig({ CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' })
    assert.deepEqual(c.corsOrigins, ['https://app.example.com', 'http://localhost:5173'])
  })

  it('when CORS_ORIGINS holds a wildcard, a path, a trailing slash or another scheme, then start-up refuses it', () => {
    for (const bad of ['*', 'https://*.example.com', 'https://app.example.com/', 'https://app.example.com/x', 'ftp://a.example', 'app.example.com']) {
      assert.ok(problems({ CORS_ORIGINS: bad }).some((p) => p.startsWith('CORS_ORIGINS:')), bad)
    }
  })

  it('when production allows a plain-http origin, then start-up refuses it', () => {
    const list = problems({ NODE_ENV: 'production', CORS_ORIGINS: 'http://app.example.com' })
    assert.ok(list.some((p) => p === 'CORS_ORIGINS: "http://app.example.com" must be https in production'))
  })

  it('when metrics or timeouts are inconsistent, then every problem is listed', () => {
    const list = problems({ METRICS_TOKEN: 'short', PORT: '9464', METRICS_PORT: '9464', HTTP_HEADERS_TIMEOUT_MS: '40000' })
    assert.ok(list.some((p) => p.startsWith('METRICS_TOKEN:')))
    // The schema error stops before the relational checks; fix it and both relational problems show.
    const rest = problems({ PORT: '9464', METRICS_PORT: '9464', HTTP_HEADERS_TIMEOUT_MS: '40000' })
    assert.ok(rest.includes('METRICS_PORT: must differ from PORT'))
    assert.ok(rest.includes('HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS'))
  })

  it('when a rate limit is zero or negative, then start-up refuses it', () => {
    assert.ok(problems({ RATE_LIMIT_API_PER_MINUTE: '0' }).some((p) => p.startsWith('RATE_LIMIT_API_PER_MINUTE:')))
    assert.ok(problems({ RATE_LIMIT_LOGIN_PER_MINUTE: '-5' }).some((p) => p.startsWith('RATE_LIMIT_LOGIN_PER_MINUTE:')))
  })
})
