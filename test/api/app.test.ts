import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Router } from 'express'
import request from 'supertest'
import { createApp } from '../../server/app.ts'
import { AppError } from '../../server/errors.ts'
import { memoryLogger } from '../helpers/silent-logger.ts'
import { openTestDatabase, type TestDatabase } from '../helpers/test-db.ts'

describe('app skeleton', () => {
  let t: TestDatabase
  const { logger, lines } = memoryLogger()
  let app: ReturnType<typeof createApp>

  before(async () => {
    t = await openTestDatabase()
    const boom = Router()
    boom.get('/test/boom', () => {
      throw new Error('database password is hunter2')
    })
    boom.get('/test/async-boom', async () => {
      await Promise.resolve()
      throw new AppError('secret_detail', 'internal detail', { status: 503, expose: false })
    })
    boom.post('/test/echo', (req, res) => {
      res.json({ got: Object.keys(req.body ?? {}) })
    })
    app = createApp({ config: t.config, db: t.db, logger, routers: [boom] })
  })
  after(() => t.close())

  it('when /healthz is called, then it answers 200', async () => {
    await request(app).get('/healthz').expect(200, { status: 'ok' })
  })

  it('when /readyz is called on a migrated database, then it reports ready with the pgvector version', async () => {
    const res = await request(app).get('/readyz').expect(200)
    assert.equal(res.body.status, 'ready')
    assert.equal(res.body.migrations.current, true)
    assert.match(res.body.pgvector, /^0\.\d+\.\d+$/)
  })

  it('when a handler throws, then the client gets internal_error without detail and the log has it', async () => {
    const res = await request(app).get('/test/boom').expect(500)
    assert.equal(res.body.error.code, 'internal_error')
    assert.equal(res.body.error.message, 'internal error')
    assert.equal(res.body.error.requestId, res.headers['x-request-id'])
    assert.doesNotMatch(JSON.stringify(res.body), /hunter2/)
    assert.ok(lines.some((l) => l.includes('hunter2') && l.includes(res.body.error.requestId)))
  })

  it('when an async handler rejects with an unexposed AppError, then it is masked too', async () => {
    const res = await request(app).get('/test/async-boom').expect(500)
    assert.equal(res.body.error.code, 'internal_error')
  })

  it('when the body is malformed JSON, then 400 malformed_json', async () => {
    const res = await request(app).post('/test/echo').set('content-type', 'application/json').send('{"a":').expect(400)
    assert.equal(res.body.error.code, 'malformed_json')
  })

  it('when the body exceeds the limit, then 413 payload_too_large', async () => {
    const res = await request(app)
      .post('/test/echo')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ a: 'x'.repeat(t.config.httpJsonLimitBytes + 10) }))
      .expect(413)
    assert.equal(res.body.error.code, 'payload_too_large')
  })

  it('when a path is unknown, then 404 JSON with a request id and security headers', async () => {
    const res = await request(app).get('/no/such/path').expect(404)
    assert.equal(res.body.error.code, 'not_found')
    assert.match(res.headers['content-security-policy'], /script-src 'self'/)
    assert.doesNotMatch(res.headers['content-security-policy'], /unsafe-inline/)
    assert.equal(res.headers['x-powered-by'], undefined)
    assert.equal(res.headers['x-content-type-options'], 'nosniff')
  })

  it('when a client sends a malformed request id, then the server replaces it', async () => {
    const res = await request(app).get('/healthz').set('x-request-id', '<script>').expect(200)
    assert.notEqual(res.headers['x-request-id'], '<script>')
  })
})
