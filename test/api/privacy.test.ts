import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import request from 'supertest'
import { cookieNames } from '../../server/auth/cookies.ts'
import { acquireChatSlot, releaseChatSlot } from '../../server/chat/limits.ts'
import { loadSessionSecret } from '../../server/auth/session-secret.ts'
import { createSession } from '../../server/auth/session.service.ts'
import { openLocalKms } from '../../server/crypto/kms-local.ts'
import { withOwner, withTenant } from '../../server/db/tx.ts'
import { createKeyring, type Keyring } from '../../server/keys/keyring.ts'
import { privacyRoutes } from '../../server/privacy/privacy.routes.ts'
import { placeLegalHold } from '../../server/retention/retention.service.ts'
import { appendMessages, getConversation, startConversation } from '../../server/transcripts/index.ts'
import { exchange, principalOf } from '../helpers/transcript-fixtures.ts'
import { startTestServer, type TestServer } from '../helpers/test-server.ts'

const alice = principalOf('alice')
const bob = principalOf('bob')

describe('data-subject rights: GET /api/me/export and DELETE /api/me/data', () => {
  let s: TestServer
  let keyring: Keyring
  const deps = () => ({ db: s.db, keyring })

  before(async () => {
    const provider = await openLocalKms({ masterKey: randomBytes(32).toString('base64') })
    s = await startTestServer({}, (t) => {
      keyring = createKeyring({ db: t.db, provider, cacheTtlMs: 60_000 })
      return { routers: [privacyRoutes({ db: t.db, keyring })] }
    })
  })
  after(async () => {
    keyring.close()
    await s.close()
  })

  it('when a user exports, then the download holds all and only their conversations, decrypted, and the export is audited', async () => {
    const a1 = await startConversation(deps(), alice, 'Alice one')
    await appendMessages(deps(), alice, a1.conversationId, exchange('alice asks', 'alice is answered', { snippet: 'alice snippet' }))
    const a2 = await startConversation(deps(), alice, 'Alice two')
    await appendMessages(deps(), alice, a2.conversationId, exchange('second question', 'second answer'))
    const b1 = await startConversation(deps(), bob, 'Bob private')
    await appendMessages(deps(), bob, b1.conversationId, exchange('bob asks', 'bob is answered'))

    const res = await request(s.app).get('/api/me/export').set('authorization', `Bearer ${await s.token('alice')}`).expect(200)
    assert.match(res.headers['content-disposition']!, /^attachment; filename="strongroom-export-\d{4}-\d{2}-\d{2}\.json"$/)
    assert.match(res.headers['content-type']!, /application\/json/)
    assert.equal(res.headers['cache-control'], 'no-store')
    const body = JSON.parse(res.text)
    assert.equal(body.format, 'strongroom-export/1')
    assert.deepEqual(body.subject, { tenantId: 'acme', userId: 'alice' })
    assert.deepEqual(body.conversations.map((c: { title: string }) => c.title), ['Alice one', 'Alice two'])
    const first = body.conversations[0]
    assert.deepEqual(first.messages.map((m: { text: string }) => m.text), ['alice asks', 'alice is answered'])
    assert.equal(first.messages[1].citations[0].snippet, 'alice snippet')
    assert.equal(first.classification, 'internal')
    assert.ok(!res.text.includes('bob'))
    for (const forbidden of ['body_ct', 'title_ct', 'key_version', 'wrapped']) assert.ok(!res.text.includes(forbidden))

    const audit = await withTenant(s.db, 'acme', 'app', (tx) =>
      tx.query(`SELECT actor, data FROM audit_log WHERE type = 'dsr.export'`))
    assert.deepEqual(audit.rows, [{ actor: 'alice', data: { conversations: 2, messages: 4 } }])
  })

  it('when the caller is not signed in, then both routes answer 401', async () => {
    await request(s.app).get('/api/me/export').expect(401)
    await request(s.app).delete('/api/me/data').expect(401)
  })

  it('when a cookie session deletes without the CSRF token, then it is refused; with it, the request goes through', async () => {
    const settings = { secret: loadSessionSecret(s.config.session.secret, s.config.dataDir), idleMinutes: 30, absoluteHours: 8 }
    const session = await createSession(s.db, bob, settings)
    const cookie = `${cookieNames(false).session}=${session.cookieValue}`
    const refused = await request(s.app).delete('/api/me/data').set('cookie', cookie).expect(403)
    assert.equal(refused.body.error.code, 'csrf_token_invalid')
    const done = await request(s.app).delete('/api/me/data').set('cookie', cookie).set('x-csrf-token', session.csrfToken).expect(200)
    assert.deepEqual(done.body, { deleted: { conversations: 1, sessions: 1 }, held: 0 })
    // The session that made the request was deleted with the rest.
    await request(s.app).get('/api/me/export').set('cookie', cookie).expect(401)
  })

  it('when a user erases their data under a legal hold, then held conversations stay, are counted, and others are untouched', async () => {
    const carol = principalOf('carol')
    const held = await startConversation(deps(), alice, 'Under hold')
    await appendMessages(deps(), alice, held.conversationId, exchange('kept', 'for the case'))
    await placeLegalHold(s.db, carol, { scope: 'conversation', targetId: held.conversationId, caseRef: 'CASE-42' })
    const carolConv = await startConversation(deps(), carol, 'Carol keeps hers')
    await withOwner(s.db, (tx) => tx.query(
      `INSERT INTO users (tenant_id, user_id, attributes) VALUES ('acme', 'alice', '{"theme": "dark"}')`))
    const settings = { secret: loadSessionSecret(s.config.session.secret, s.config.dataDir), idleMinutes: 30, absoluteHours: 8 }
    await createSession(s.db, alice, settings)
    await createSession(s.db, alice, settings)

    const res = await request(s.app).delete('/api/me/data').set('authorization', `Bearer ${await s.token('alice')}`).expect(200)
    assert.deepEqual(res.body, { deleted: { conversations: 2, sessions: 2 }, held: 1 })
    const left = await withOwner(s.db, (tx) => tx.query(
      `SELECT conversation_id FROM conversations WHERE tenant_id = 'acme' AND user_id = 'alice'`))
    assert.deepEqual(left.rows.map((r) => r.conversation_id), [held.conversationId])
    assert.equal((await getConversation(deps(), alice, held.conversationId))!.messages[1]!.text, 'for the case')
    assert.ok(await getConversation(deps(), carol, carolConv.conversationId))
    const profile = await withOwner(s.db, (tx) => tx.query(`SELECT 1 FROM users WHERE tenant_id = 'acme' AND user_id = 'alice'`))
    assert.equal(profile.rows.length, 0)
    const audit = await withTenant(s.db, 'acme', 'app', (tx) =>
      tx.query(`SELECT actor, data FROM audit_log WHERE type = 'dsr.delete' AND actor = 'alice'`))
    assert.deepEqual(audit.rows, [{ actor: 'alice', data: { conversations: 2, messages: 4, sessions: 2, held: 1, profile: true, usageDays: 0, leases: 0 } }])

    const again = await request(s.app).get('/api/me/export').set('authorization', `Bearer ${await s.token('alice')}`).expect(200)
    assert.deepEqual(JSON.parse(again.text).conversations.map((c: { title: string }) => c.title), ['Under hold'])
  })

  it('when a user erases their data, then their chat usage and leases are gone and other users\' counters remain', async () => {
    const limits = { maxConcurrent: 5, dailyTokenBudget: 1_000_000, leaseSeconds: 60 }
    const counters = async (tenantId: string, userId: string) => withOwner(s.db, async (tx) => ({
      usage: (await tx.query(`SELECT day FROM chat_usage WHERE tenant_id = $1 AND user_id = $2`, [tenantId, userId])).rows.length,
      leases: (await tx.query(`SELECT 1 FROM chat_leases WHERE tenant_id = $1 AND user_id = $2`, [tenantId, userId])).rows.length,
    }))
    // Through the chat limits themselves: one finished request (usage counted) and one still in flight (live lease).
    await releaseChatSlot(s.db, alice, await acquireChatSlot(s.db, alice, limits, 10), 120, [])
    await acquireChatSlot(s.db, alice, limits, 10)
    await releaseChatSlot(s.db, bob, await acquireChatSlot(s.db, bob, limits, 10), 80, [])
    await acquireChatSlot(s.db, bob, limits, 10)
    await withOwner(s.db, async (tx) => {
      // An earlier day of alice's, and the same user id in another tenant, which is another person.
      await tx.query(`INSERT INTO chat_usage (tenant_id, user_id, day, tokens, requests) VALUES ('acme', 'alice', DATE '2026-01-05', 500, 3)`)
      await tx.query(`INSERT INTO chat_usage (tenant_id, user_id, day, tokens, requests) VALUES ('globex', 'alice', DATE '2026-01-05', 70, 1)`)
      await tx.query(`INSERT INTO chat_leases (tenant_id, user_id, lease_id, expires_at)
                      VALUES ('globex', 'alice', gen_random_uuid(), now() + interval '1 minute')`)
    })
    assert.deepEqual(await counters('acme', 'alice'), { usage: 2, leases: 1 })

    await request(s.app).delete('/api/me/data').set('authorization', `Bearer ${await s.token('alice')}`).expect(200)

    assert.deepEqual(await counters('acme', 'alice'), { usage: 0, leases: 0 })
    assert.deepEqual(await counters('acme', 'bob'), { usage: 1, leases: 1 })
    assert.deepEqual(await counters('globex', 'alice'), { usage: 1, leases: 1 })
    const audit = await withTenant(s.db, 'acme', 'app', (tx) =>
      tx.query(`SELECT data FROM audit_log WHERE type = 'dsr.delete' AND actor = 'alice' ORDER BY seq DESC LIMIT 1`))
    assert.equal(audit.rows[0].data.usageDays, 2)
    assert.equal(audit.rows[0].data.leases, 1)
  })
})
