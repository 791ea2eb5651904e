import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import request from 'supertest'
import { seedDemoCorpus } from '../../server/demo/seed.ts'
import { withTenant } from '../../server/db/tx.ts'
import { createEmbedder } from '../../server/llm/create-embedder.ts'
import { searchRoutes } from '../../server/retrieval/search.routes.ts'
import { startTestServer, type TestServer } from '../helpers/test-server.ts'

describe('GET /api/search on the demo corpus', () => {
  let s: TestServer
  before(async () => {
    s = await startTestServer({}, (t) => ({ routers: [searchRoutes({ db: t.db, embedder: createEmbedder(t.config) })] }))
    await seedDemoCorpus({ db: s.db, embedder: createEmbedder(s.config), config: s.config })
  })
  after(() => s.close())

  async function search(user: string, q: string) {
    const res = await request(s.app).get('/api/search').query({ q, k: 20 }).set('authorization', `Bearer ${await s.token(user)}`)
    assert.equal(res.status, 200, JSON.stringify(res.body))
    return res.body.results as Array<{ documentId: string; classification: string; title: string }>
  }

  it('when alice and bob search the same words, then they see different documents within their clearance', async () => {
    const q = 'plan forecast incident policy'
    const alice = await search('alice', q)
    const bob = await search('bob', q)
    assert.notDeepEqual(alice.map((r) => r.documentId).sort(), bob.map((r) => r.documentId).sort())
    assert.ok(bob.every((r) => ['public', 'internal'].includes(r.classification)))
    assert.ok(alice.every((r) => r.classification !== 'restricted'))
  })

  it('when dave of globex searches, then no acme document appears', async () => {
    const acmeTitles = new Set((await search('carol', 'plan policy report')).map((r) => r.documentId))
    for (const r of await search('dave', 'plan policy report')) assert.ok(!acmeTitles.has(r.documentId))
  })

  it('when an unknown parameter is sent, then 400 and nothing is searched', async () => {
    const res = await request(s.app).get('/api/search?q=plan&tenantId=globex').set('authorization', `Bearer ${await s.token('alice')}`)
    assert.equal(res.status, 400)
    assert.equal(res.body.error.code, 'invalid_request')
  })

  it('when q is empty or too long, then 400', async () => {
    const token = await s.token('alice')
    await request(s.app).get('/api/search?q=').set('authorization', `Bearer ${token}`).expect(400)
    await request(s.app).get('/api/search').query({ q: 'x'.repeat(5000) }).set('authorization', `Bearer ${token}`).expect(400)
  })

  it('when a search runs, then the decision is audited with chunk ids and never the query text', async () => {
    await search('mallory', 'zebracanaryquery holiday')
    const { rows } = await withTenant(s.db, 'acme', 'app', (tx) =>
      tx.query(`SELECT data::text AS data FROM audit_log WHERE type = 'retrieval.decision' AND actor = 'mallory'`))
    assert.ok(rows.length >= 1)
    for (const r of rows) {
      assert.doesNotMatch(r.data, /zebracanaryquery/)
      assert.match(r.data, /policyVersion/)
    }
  })
})
