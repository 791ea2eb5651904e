import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import request from 'supertest'
import { createApp } from '../../server/app.ts'
import { startMetricsServer } from '../../server/metrics/endpoint.ts'
import { memoryLogger } from '../helpers/silent-logger.ts'
import { startTestServer, type TestServer } from '../helpers/test-server.ts'

const ALLOWED = 'https://app.example.com'

describe('HTTP hardening of the whole application', () => {
  let s: TestServer
  let alice: string
  before(async () => {
    s = await startTestServer({ CORS_ORIGINS: `${ALLOWED},http://localhost:5173` })
    alice = await s.token('alice')
  })
  after(() => s.close())
  const bearer = () => `Bearer ${alice}`

  it('when any response is sent, then the security headers are strict and HSTS is absent outside production', async () => {
    const res = await request(s.app).get('/api/me').set('authorization', bearer()).expect(200)
    const csp = res.headers['content-security-policy'] as string
    assert.match(csp, /default-src 'self'/)
    assert.match(csp, /frame-ancestors 'none'/)
    assert.match(csp, /object-src 'none'/)
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/)
    assert.equal(res.headers['x-powered-by'], undefined)
    assert.equal(res.headers['strict-transport-security'], undefined)
    assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN')
    assert.equal(res.headers['referrer-policy'], 'no-referrer')
  })

  it('when the configuration is production, then HSTS is sent with includeSubDomains', async () => {
    // Only the mode matters to the headers; a full production config needs an external IdP and an HSM.
    const config = { ...s.config, env: 'production' as const, publicUrl: 'https://strongroom.example.com' }
    const app = createApp({ config, db: s.db, logger: memoryLogger().logger })
    const res = await request(app).get('/healthz').expect(200)
    assert.match(res.headers['strict-transport-security'], /^max-age=31536000; includeSubDomains/)
    assert.match(res.headers['content-security-policy'], /upgrade-insecure-requests/)
  })

  it('when a known path is called with a wrong method, then 405 JSON with an Allow header from the access matrix', async () => {
    const put = await request(s.app).put('/api/me').set('authorization', bearer()).expect(405)
    assert.equal(put.body.error.code, 'method_not_allowed')
    assert.equal(put.headers.allow, 'GET')
    const del = await request(s.app).delete('/api/admin/documents').expect(405)
    assert.equal(del.headers.allow, 'GET, POST')
    assert.equal((await request(s.app).get('/api/admin/documents/42').expect(405)).headers.allow, 'DELETE')
    assert.equal((await request(s.app).post('/healthz').expect(405)).headers.allow, 'GET, HEAD')
    assert.equal((await request(s.app).get('/auth/logout').expect(405)).headers.allow, 'POST')
    assert.equal((await request(s.app).put('/api/no-such-route').expect(404)).body.error.code, 'not_found')
  })

  it('when a JSON route gets a body that is not JSON, then 415 unsupported_media_type', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
      const res = await request(s.app).post('/auth/logout').set('authorization', bearer()).set('content-type', type).send('a=b')
      assert.equal(res.status, 415, type)
      assert.equal(res.body.error.code, 'unsupported_media_type')
    }
    await request(s.app).post('/auth/logout').set('authorization', bearer()).expect(200)
    await request(s.app).post('/auth/logout').set('authorization', bearer()).send({}).expect(200)
  })

  it('when the admin upload gets multipart, or the IdP gets its form posts, then they are not refused as 415', async () => {
    const admin = await s.token('carol', { mfa: true })
    const upload = await request(s.app).post('/api/admin/documents').set('authorization', `Bearer ${admin}`)
      .attach('file', Buffer.from('hello'), 'a.txt')
    assert.notEqual(upload.status, 415)
    const form = await request(s.app).post('/oidc/interaction/abc/login').type('form').send({ username: 'a', password: 'b' })
    assert.notEqual(form.status, 415)
  })

  it('when a JSON body exceeds its route limit, then 413, though it is under the default limit', async () => {
    const res = await request(s.app).post('/auth/logout').set('authorization', bearer())
      .send({ pad: 'x'.repeat(2048) }).expect(413)
    assert.equal(res.body.error.code, 'payload_too_large')
  })

  it('when the path has broken percent-encoding, then 400 malformed_path instead of an internal error', async () => {
    for (const path of ['/api/admin/documents/%E0%A4%A', '/api/%', '/oidc/interaction/%zz']) {
      const res = await request(s.app).get(path).set('authorization', bearer())
      assert.equal(res.status, 400, path)
      assert.equal(res.body.error.code, 'malformed_path')
    }
  })

  it('when a listed origin sends a preflight, then it is answered with that origin, credentials and the path methods', async () => {
    const res = await request(s.app).options('/api/me').set('origin', ALLOWED)
      .set('access-control-request-method', 'GET').set('access-control-request-headers', 'authorization').expect(204)
    assert.equal(res.headers['access-control-allow-origin'], ALLOWED)
    assert.equal(res.headers['access-control-allow-credentials'], 'true')
    assert.equal(res.headers['access-control-allow-methods'], 'GET')
    assert.match(res.headers['access-control-allow-headers'], /Authorization/)
    assert.match(res.headers.vary, /Origin/)
    const get = await request(s.app).get('/api/me').set('origin', ALLOWED).set('authorization', bearer()).expect(200)
    assert.equal(get.headers['access-control-allow-origin'], ALLOWED)
  })

  it('when an unlisted origin sends a preflight or a request, then no CORS header is given', async () => {
    for (const origin of ['https://evil.example', 'https://app.example.com.evil.example', 'null', 'https://APP.example.com']) {
      const pre = await request(s.app).options('/api/me').set('origin', origin).set('access-control-request-method', 'GET')
      assert.equal(pre.status, 405, origin)
      assert.equal(pre.headers['access-control-allow-origin'], undefined)
      assert.equal(pre.headers['access-control-allow-credentials'], undefined)
      const get = await request(s.app).get('/api/me').set('origin', origin).set('authorization', bearer()).expect(200)
      assert.equal(get.headers['access-control-allow-origin'], undefined)
    }
  })

  it('when a listed origin preflights an unknown path, then it is not answered', async () => {
    const res = await request(s.app).options('/api/nothing').set('origin', ALLOWED).set('access-control-request-method', 'GET')
    assert.equal(res.status, 404)
    assert.equal(res.headers['access-control-allow-origin'], undefined)
  })

  it('when CORS_ORIGINS is unset, then even a would-be-allowed origin gets no CORS headers', async () => {
    const config = { ...s.config, corsOrigins: [] }
    const app = createApp({ config, db: s.db, logger: memoryLogger().logger })
    const res = await request(app).options('/api/me').set('origin', ALLOWED).set('access-control-request-method', 'GET')
    assert.equal(res.status, 405)
    assert.equal(res.headers['access-control-allow-origin'], undefined)
  })

  it('when no proxy is trusted, then a client-chosen request id is replaced', async () => {
    const res = await request(s.app).get('/healthz').set('x-request-id', 'client-chosen-id-123').expect(200)
    assert.notEqual(res.headers['x-request-id'], 'client-chosen-id-123')
  })

  it('when the separate metrics listener runs, then it serves only GET /metrics', async () => {
    const server = await startMetricsServer({ port: 0, host: '127.0.0.1' })
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const ok = await fetch(`${base}/metrics`)
      assert.equal(ok.status, 200)
      assert.match(ok.headers.get('content-type') ?? '', /^text\/plain/)
      assert.match(await ok.text(), /strongroom_http_request_duration_seconds_bucket/)
      assert.equal((await fetch(`${base}/metrics`, { method: 'POST' })).status, 405)
      assert.equal((await fetch(`${base}/api/me`)).status, 404)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('when METRICS_TOKEN is unset, then the main port has no /metrics', async () => {
    await request(s.app).get('/metrics').expect(404)
  })
})
