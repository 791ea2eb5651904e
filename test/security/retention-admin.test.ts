import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import request from 'supertest'
import { withTenant } from '../../server/db/tx.ts'
import { retentionRoutes } from '../../server/retention/retention.routes.ts'
import { startTestServer, type TestServer } from '../helpers/test-server.ts'

describe('retention rules and legal holds through the admin API', () => {
  let s: TestServer
  let carol: string
  before(async () => {
    s = await startTestServer({}, (t) => ({
      routers: [retentionRoutes({ db: t.db, defaults: t.config.retention.defaultDays })],
    }))
    carol = `Bearer ${await s.token('carol', { mfa: true })}`
  })
  after(() => s.close())

  const auditOf = async (tenant: string, type: string) =>
    (await withTenant(s.db, tenant, 'app', (tx) => tx.query(`SELECT actor, data FROM audit_log WHERE type = $1 ORDER BY seq`, [type]))).rows

  it('when a non-admin, an admin without fresh MFA or nobody calls, then the routes refuse', async () => {
    const alice = `Bearer ${await s.token('alice', { mfa: true })}`
    const carolNoMfa = `Bearer ${await s.token('carol')}`
    for (const [method, path] of [['get', '/api/admin/retention'], ['put', '/api/admin/retention'],
      ['get', '/api/admin/legal-holds'], ['post', '/api/admin/legal-holds'],
      ['post', '/api/admin/legal-holds/7d3c1c0e-3b38-4a58-9a0f-8a1c7b1b2f10/release']] as const) {
      await request(s.app)[method](path).expect(401)
      assert.equal((await request(s.app)[method](path).set('authorization', alice).expect(403)).body.error.code, 'forbidden_role')
      assert.equal((await request(s.app)[method](path).set('authorization', carolNoMfa).expect(401)).body.error.code, 'step_up_required')
    }
  })

  it('when no rule is set, then the configured defaults are shown; a valid PUT changes only the named classes and is audited', async () => {
    const initial = await request(s.app).get('/api/admin/retention').set('authorization', carol).expect(200)
    assert.deepEqual(initial.body.rules, [
      { classification: 'public', retainDays: 90, source: 'default' },
      { classification: 'internal', retainDays: 90, source: 'default' },
      { classification: 'confidential', retainDays: 30, source: 'default' },
      { classification: 'restricted', retainDays: 7, source: 'default' },
    ])
    const put = await request(s.app).put('/api/admin/retention').set('authorization', carol)
      .send({ rules: [{ classification: 'restricted', retainDays: 3 }, { classification: 'public', retainDays: 365 }] }).expect(200)
    assert.deepEqual(put.body.rules.map((r: { retainDays: number; source: string }) => [r.retainDays, r.source]),
      [[365, 'tenant'], [90, 'default'], [30, 'default'], [3, 'tenant']])
    assert.deepEqual(await auditOf('acme', 'retention.update'), [
      { actor: 'carol', data: { classifications: ['restricted', 'public'], retainDays: [3, 365] } },
    ])
    const globex = await request(s.app).get('/api/admin/retention')
      .set('authorization', `Bearer ${await s.token('dave', { mfa: true })}`).expect(200)
    assert.equal(globex.body.rules[0].retainDays, 90)
  })

  it('when a PUT body is malformed, then it is refused with 400 and nothing changes', async () => {
    for (const body of [
      {}, { rules: [] }, { rules: [{ classification: 'secret', retainDays: 5 }] },
      { rules: [{ classification: 'public', retainDays: 0 }] }, { rules: [{ classification: 'public', retainDays: 36501 }] },
      { rules: [{ classification: 'public', retainDays: 1.5 }] }, { rules: [{ classification: 'public', retainDays: '5' }] },
      { rules: [{ classification: 'public', retainDays: 5 }, { classification: 'public', retainDays: 6 }] },
      { rules: [{ classification: 'public', retainDays: 5, tenantId: 'globex' }] }, { rules: [], tenantId: 'globex' },
    ]) {
      const res = await request(s.app).put('/api/admin/retention').set('authorization', carol).send(body).expect(400)
      assert.equal(res.body.error.code, 'invalid_request', JSON.stringify(body))
    }
    const now = await request(s.app).get('/api/admin/retention').set('authorization', carol).expect(200)
    assert.equal(now.body.rules[0].retainDays, 365)
  })

  it('when holds are placed, listed and released, then each step is audited by id and the case reference stays out of the log', async () => {
    const conversationId = '0b6f2a2e-5c1d-4e8f-9a7b-3c2d1e0f9a8b'
    const placed = await request(s.app).post('/api/admin/legal-holds').set('authorization', carol)
      .send({ scope: 'conversation', targetId: conversationId, caseRef: 'Matter 2025-017' }).expect(201)
    assert.equal(placed.body.active, true)
    const user = await request(s.app).post('/api/admin/legal-holds').set('authorization', carol)
      .send({ scope: 'user', targetId: 'bob', caseRef: 'Matter 2025-018' }).expect(201)
    const listed = await request(s.app).get('/api/admin/legal-holds').set('authorization', carol).expect(200)
    assert.deepEqual(listed.body.holds.map((h: { id: string }) => h.id).sort(), [placed.body.id, user.body.id].sort())

    const released = await request(s.app).post(`/api/admin/legal-holds/${placed.body.id}/release`).set('authorization', carol).expect(200)
    assert.equal(released.body.active, false)
    assert.equal(released.body.releasedBy, 'carol')
    const twice = await request(s.app).post(`/api/admin/legal-holds/${placed.body.id}/release`).set('authorization', carol).expect(409)
    assert.equal(twice.body.error.code, 'legal_hold_released')
    const active = await request(s.app).get('/api/admin/legal-holds').set('authorization', carol).expect(200)
    assert.deepEqual(active.body.holds.map((h: { id: string }) => h.id), [user.body.id])
    const all = await request(s.app).get('/api/admin/legal-holds?includeReleased=true').set('authorization', carol).expect(200)
    assert.equal(all.body.holds.length, 2)

    const placedLog = await auditOf('acme', 'legal_hold.place')
    assert.deepEqual(placedLog[0], { actor: 'carol', data: { holdId: placed.body.id, scope: 'conversation', targetId: conversationId } })
    assert.equal((await auditOf('acme', 'legal_hold.release')).length, 1)
    const everything = JSON.stringify(await withTenant(s.db, 'acme', 'app', (tx) => tx.query('SELECT data FROM audit_log')))
    assert.ok(!everything.includes('Matter 2025'))
  })

  it("when an admin of another tenant tries to see or release a tenant's hold, then it does not exist for them", async () => {
    const hold = await request(s.app).post('/api/admin/legal-holds').set('authorization', carol)
      .send({ scope: 'user', targetId: 'alice', caseRef: 'Matter X' }).expect(201)
    const dave = `Bearer ${await s.token('dave', { mfa: true })}`
    const theirs = await request(s.app).get('/api/admin/legal-holds?includeReleased=true').set('authorization', dave).expect(200)
    assert.deepEqual(theirs.body.holds, [])
    const res = await request(s.app).post(`/api/admin/legal-holds/${hold.body.id}/release`).set('authorization', dave).expect(404)
    assert.equal(res.body.error.code, 'legal_hold_not_found')
  })

  it('when a hold request is malformed, then it is refused with 400', async () => {
    for (const body of [
      { scope: 'conversation', targetId: 'not-a-uuid', caseRef: 'x' }, { scope: 'tenant', targetId: 'acme', caseRef: 'x' },
      { scope: 'user', targetId: 'bob', caseRef: '' }, { scope: 'user', targetId: 'bob', caseRef: 'x'.repeat(121) },
      { scope: 'user', targetId: 'bob', caseRef: 'line\nbreak' }, { scope: 'user', targetId: 'bob' },
      { scope: 'user', targetId: 'bob', caseRef: 'x', tenantId: 'globex' },
    ]) {
      const res = await request(s.app).post('/api/admin/legal-holds').set('authorization', carol).send(body).expect(400)
      assert.equal(res.body.error.code, 'invalid_request', JSON.stringify(body))
    }
    await request(s.app).post('/api/admin/legal-holds/nope/release').set('authorization', carol).expect(400)
    await request(s.app).get('/api/admin/legal-holds?includeReleased=yes').set('authorization', carol).expect(400)
  })
})
