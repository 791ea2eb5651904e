import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import express, { Router, type Express } from 'express'
import pg from 'pg'
import request from 'supertest'
import { createApp } from '../../server/app.ts'
import { openDatabase, type Database } from '../../server/db/pool.ts'
import { errorHandler } from '../../server/http/error-handler.ts'
import { createRateLimits, type RateLimits } from '../../server/http/rate-limit.ts'
import { requestContext } from '../../server/http/request-context.ts'
import { memoryLogger } from '../helpers/silent-logger.ts'
import { startTestServer, type TestServer } from '../helpers/test-server.ts'

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789abcdef'

/**
 * Two application instances share one counter store: on PGlite they share the one embedded database, on the
 * PostgreSQL server the second instance has its own connection pool to the same database.
 */
describe('rate limits shared across two application instances', () => {
  let s: TestServer
  let limits: RateLimits
  let second: Express
  let secondDb: Database | undefined
  let alice: string
  let bob: string

  before(async () => {
    s = await startTestServer(
      { RATE_LIMIT_API_PER_MINUTE: '5', RATE_LIMIT_LOGIN_PER_MINUTE: '3', RATE_LIMIT_CHAT_PER_MINUTE: '2', METRICS_TOKEN },
      (t) => {
        limits = createRateLimits(t.db, t.config.rateLimit)
        const chat = Router()
        // Stands in for the future /api/chat route: authenticates with the real verifier, then the chat limit.
        chat.post('/test/chat', async (req, _res, next) => {
          req.principal = await t.identity.principalFromBearer(String(req.get('authorization')).slice(7))
          next()
        }, limits.chat, (_req, res) => {
          res.json({ answered: true })
        })
        return { rateLimits: limits, routers: [chat] }
      },
    )
    if (s.engine === 'postgres') {
      secondDb = await openDatabase({ ...s.config.database, dataDir: s.config.dataDir, holder: 'second instance' })
      await secondDb.enableAppRole()
    }
    second = createApp({
      config: s.config, db: secondDb ?? s.db, logger: memoryLogger().logger,
      preRouters: s.identity.preRouters, guard: s.identity.guard, routers: s.identity.routers,
    })
    alice = await s.token('alice')
    bob = await s.token('bob')
  })
  after(async () => {
    await secondDb?.close()
    await s.close()
  })

  const me = (app: Express, token: string) => request(app).get('/api/me').set('authorization', `Bearer ${token}`)

  it('when one user spreads requests over both instances, then they are counted together and the sixth gets 429', async () => {
    for (let i = 0; i < 5; i++) await me(i % 2 === 0 ? s.app : second, alice).expect(200)
    for (const app of [s.app, second]) {
      const res = await me(app, alice).expect(429)
      assert.equal(res.body.error.code, 'rate_limited')
      assert.equal(res.body.error.requestId, res.headers['x-request-id'])
      const retryAfter = Number(res.headers['retry-after'])
      assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${res.headers['retry-after']}`)
    }
  })

  it('when one user is limited, then another user of the same tenant is not', async () => {
    await me(second, bob).expect(200)
  })

  it('when counters are stored, then the table holds digests, not user ids', async () => {
    const { rows } = await s.db.ownerPool.query<{ key: string }>('SELECT key FROM rate_limits')
    assert.ok(rows.length >= 2)
    for (const { key } of rows) {
      assert.match(key, /^(api|login|chat):[A-Za-z0-9_-]{43}$/)
      assert.doesNotMatch(key, /alice|bob|acme/)
    }
  })

  it('when one address starts too many logins across both instances, then 429, and the IdP credential posts are limited too', async () => {
    for (let i = 0; i < 3; i++) await request(i % 2 === 0 ? s.app : second).get('/auth/login').expect(302)
    const res = await request(second).get('/auth/login').expect(429)
    assert.equal(res.body.error.code, 'rate_limited')
    assert.ok(Number(res.headers['retry-after']) >= 1)
    await request(s.app).get('/auth/callback/').expect(429)
    await request(s.app).get('/AUTH/login').expect(404)
    await request(s.app).post('/oidc/interaction/abc/login').type('form').send({ username: 'x', password: 'y' }).expect(429)
  })

  it('when a user asks the chat route too often, then the chat limiter answers 429 while other API calls still work', async () => {
    const carol = await s.token('carol')
    const chat = () => request(s.app).post('/test/chat').set('authorization', `Bearer ${carol}`)
    await chat().expect(200)
    await chat().expect(200)
    const res = await chat().expect(429)
    assert.equal(res.body.error.code, 'rate_limited')
    await me(s.app, carol).expect(200)
  })

  it('when metrics are scraped with the token, then rate-limit hits, denials and route latencies are there', async () => {
    await request(s.app).get('/api/me').set('authorization', 'Basic abc').expect(401)
    await request(s.app).get('/metrics').expect(401)
    await request(s.app).get('/metrics').set('authorization', 'Bearer wrong').expect(401)
    const res = await request(s.app).get('/metrics').set('authorization', `Bearer ${METRICS_TOKEN}`).expect(200)
    assert.match(res.headers['content-type'], /^text\/plain/)
    assert.match(res.text, /strongroom_rate_limit_hits_total\{limiter="api"\} [2-9]/)
    assert.match(res.text, /strongroom_rate_limit_hits_total\{limiter="login"\} [1-9]/)
    assert.match(res.text, /strongroom_rate_limit_hits_total\{limiter="chat"\} [1-9]/)
    assert.match(res.text, /strongroom_auth_denials_total\{code="token_malformed"\} [1-9]/)
    assert.match(res.text, /strongroom_http_request_duration_seconds_count\{method="GET",route="\/api\/me",status="200"\} \d/)
    assert.match(res.text, /strongroom_process_cpu_user_seconds_total/)
    assert.doesNotMatch(res.text, /alice|acme|Basic abc/)
  })
})

describe('the counter pool', () => {
  it('when counters are written, then they run as the application role and only they skip the commit flush', async (t) => {
    const s = await startTestServer()
    try {
      if (s.engine !== 'postgres') return t.skip('PGlite has one backend and no WAL flush to skip')
      const setting = async (p: pg.Pool) =>
        (await p.query<{ role: string; sync: string }>(`SELECT current_user AS role, current_setting('synchronous_commit') AS sync`)).rows[0]
      assert.deepEqual(await setting(s.db.counterPool), { role: 'strongroom_app', sync: 'off' })
      assert.deepEqual(await setting(s.db.pool), { role: 'strongroom_app', sync: 'on' })
    } finally {
      await s.close()
    }
  })
})

describe('rate limits when the counter store is unreachable', () => {
  it('when the database cannot be reached, then each instance still limits with its in-memory fallback', async () => {
    const pool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 500 })
    const deadDb = { engine: 'postgres', pool, counterPool: pool, ownerPool: pool } as unknown as Database
    const limits = createRateLimits(deadDb, { loginPerMinute: 2, apiPerMinute: 2, chatPerMinute: 2 })
    const app = express()
    app.use(requestContext(memoryLogger().logger))
    app.get('/auth/login', limits.login, (_req, res) => {
      res.json({ ok: true })
    })
    app.use(errorHandler())
    await request(app).get('/auth/login').expect(200)
    await request(app).get('/auth/login').expect(200)
    const res = await request(app).get('/auth/login').expect(429)
    assert.equal(res.body.error.code, 'rate_limited')
    await pool.end()
  })
})
