import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import request from 'supertest'
import { recordAudit } from '../../server/audit/audit.service.ts'
import { auditRoutes } from '../../server/audit/audit.routes.ts'
import { writeCheckpoint } from '../../server/audit/checkpoint.service.ts'
import { ocsfMapping } from '../../server/audit/ocsf.ts'
import { openKms } from '../../server/crypto/kms-factory.ts'
import type { RootKeyProvider } from '../../server/crypto/kms.ts'
import { seedDemoCorpus } from '../../server/demo/seed.ts'
import { withOwner } from '../../server/db/tx.ts'
import { createEmbedder } from '../../server/llm/create-embedder.ts'
import { searchRoutes } from '../../server/retrieval/search.routes.ts'
import { asMaintenance, chainRows } from '../helpers/audit-fixtures.ts'
import { startTestServer, type TestServer } from '../helpers/test-server.ts'

const T0 = Date.UTC(2024, 5, 1, 12, 0, 0, 0)
const EVENT_KEYS = ['actor', 'fields', 'outcome', 'seq', 'time', 'type']

interface OcsfLine {
  class_uid: number; category_uid: number; activity_id: number; type_uid: number; time: number; severity_id: number
  status_id: number; actor: { user: { uid: string } }; unmapped: Record<string, unknown>
  metadata: { product: unknown; version: string; uid: string; sequence: number; event_code: string }
}

interface ApiEvent { seq: number; time: string; type: string; actor: string; outcome: string; fields: Record<string, unknown> }

describe('auditor API: /api/admin/audit, /export, /verify', () => {
  let s: TestServer
  let kms: RootKeyProvider
  let erin: string
  // A word no document or event contains: it goes into a search, and must never come back out of the audit API.
  const canary = `zebracanary${randomBytes(4).toString('hex')}`

  before(async () => {
    s = await startTestServer({ RATE_LIMIT_API_PER_MINUTE: '100000' }, async (t) => {
      kms = await openKms(t.config)
      return { routers: [searchRoutes({ db: t.db, embedder: createEmbedder(t.config) }), auditRoutes({ db: t.db, verifier: kms })] }
    })
    await seedDemoCorpus({ db: s.db, embedder: createEmbedder(s.config), config: s.config })
    // A fixed, dated slice of history for the filter tests: ten logins one hour apart, in acme and in globex.
    for (let i = 0; i < 10; i++) {
      const at = new Date(T0 + i * 3_600_000)
      await recordAudit(s.db, 'acme', { type: 'auth.login', actor: i % 2 ? 'alice' : 'bob', outcome: 'success', data: { method: 'oidc', n: i } }, at)
      await recordAudit(s.db, 'globex', { type: 'auth.login', actor: 'dave', outcome: 'success', data: { method: 'oidc', n: i } }, at)
    }
    await recordAudit(s.db, '_system', { type: 'auth.login', actor: 'anonymous', outcome: 'failure', data: { reason: 'bad_password' } })
    const res = await request(s.app).get('/api/search').query({ q: `${canary} holiday policy` }).set('authorization', `Bearer ${await s.token('alice')}`)
    assert.equal(res.status, 200)
    erin = await s.token('erin')
  })
  after(async () => {
    await s?.close()
    await kms?.close()
  })

  const get = (path: string, query: Record<string, string | number> = {}, token = erin) =>
    request(s.app).get(path).query(query).set('authorization', `Bearer ${token}`)

  async function list(query: Record<string, string | number> = {}) {
    const res = await get('/api/admin/audit', query)
    assert.equal(res.status, 200, JSON.stringify(res.body))
    return res.body as { events: ApiEvent[]; nextCursor: string | null }
  }

  async function exportLines(query: Record<string, string> = {}) {
    const res = await get('/api/admin/audit/export', query).buffer(true).parse((r, done) => {
      let text = ''
      r.setEncoding('utf8')
      r.on('data', (c: string) => (text += c))
      r.on('end', () => done(null, text))
    })
    assert.equal(res.status, 200)
    assert.match(res.headers['content-type'] ?? '', /^application\/x-ndjson/)
    const text = res.body as string
    assert.ok(text === '' || text.endsWith('\n'), 'every line ends with a newline')
    return { res, text, lines: text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as OcsfLine) }
  }

  it('when the auditor lists the log, then she gets her own tenant’s events newest first, in the documented shape', async () => {
    const { events, nextCursor } = await list({ limit: 500 })
    const stored = (await chainRows(s.db, 'acme')).filter((r) => r.seq <= events[0]!.seq)
    assert.equal(nextCursor, null)
    assert.deepEqual(events.map((e) => e.seq), stored.map((r) => r.seq).reverse())
    for (const e of events) assert.deepEqual(Object.keys(e).sort(), EVENT_KEYS)
    const login = events.find((e) => e.type === 'auth.login' && e.fields.n === 3)!
    assert.deepEqual(login, {
      seq: login.seq, time: new Date(T0 + 3 * 3_600_000).toISOString(), type: 'auth.login', actor: 'alice', outcome: 'success',
      fields: { method: 'oidc', n: 3 },
    })
    assert.ok(events.some((e) => e.type === 'document.ingest' && e.actor === 'system'))
    assert.ok(!events.some((e) => e.actor === 'dave' || e.actor === 'anonymous'), 'no globex or _system event')
  })

  it('when the auditor pages with a cursor, then the pages are disjoint, ordered and together the whole log', async () => {
    const all = (await list({ limit: 500 })).events.map((e) => e.seq)
    const seen: number[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page = await list({ limit: 7, ...(cursor ? { cursor } : {}) })
      assert.ok(page.events.length <= 7)
      seen.push(...page.events.map((e) => e.seq))
      cursor = page.nextCursor
      pages++
    } while (cursor)
    // Each call writes an audit.read after reading: the paged walk begins with the one the full listing wrote.
    assert.equal(seen[0], all[0]! + 1)
    assert.deepEqual(seen.slice(1), all)
    assert.ok(pages > 2)
  })

  it('when filtered by time and type, then only those events come back: from inclusive, to exclusive', async () => {
    const from = new Date(T0 + 2 * 3_600_000).toISOString()
    const to = new Date(T0 + 5 * 3_600_000).toISOString()
    const { events } = await list({ from, to, type: 'auth.login' })
    assert.deepEqual(events.map((e) => e.fields.n), [4, 3, 2])
    const byDate = await list({ from: '2024-06-01', to: '2024-06-02', type: 'auth.login' })
    assert.equal(byDate.events.length, 10)
    assert.deepEqual((await list({ type: 'key.shred' })).events, [])
  })

  it('when a parameter is unknown or malformed, then 400 JSON names it and nothing is read', async () => {
    const before = (await chainRows(s.db, 'acme')).length
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ tenant: 'globex' }, /Unrecognized key: "tenant"/],
      [{ from: 'yesterday' }, /^from: must be an ISO 8601/],
      [{ to: '2024-02-30' }, /^to: must be an ISO 8601/],
      [{ from: '2024-06-01T00:00:00' }, /^from: /],
      [{ from: '2024-06-02', to: '2024-06-01' }, /^to: must be later than from/],
      [{ limit: '0' }, /^limit: /],
      [{ limit: '501' }, /^limit: /],
      [{ limit: 'ten' }, /^limit: /],
      [{ type: 'DROP TABLE' }, /^type: must be an event type/],
      [{ cursor: 'not a cursor!' }, /^cursor: /],
      [{ cursor: Buffer.from('v1:0').toString('base64url') }, /^cursor: not a cursor/],
    ]
    for (const [query, message] of cases) {
      const res = await get('/api/admin/audit', query)
      assert.equal(res.status, 400, JSON.stringify(query))
      assert.equal(res.body.error.code, 'invalid_request')
      assert.match(res.body.error.message, message, JSON.stringify(query))
    }
    const repeated = await request(s.app).get('/api/admin/audit?type=auth.login&type=key.shred').set('authorization', `Bearer ${erin}`)
    assert.equal(repeated.status, 400)
    assert.match(repeated.body.error.message, /^type: /)
    for (const path of ['/api/admin/audit/export?since=2024-01-01', '/api/admin/audit/verify?tenant=globex']) {
      const res = await request(s.app).get(path).set('authorization', `Bearer ${erin}`)
      assert.equal(res.status, 400, path)
      assert.match(res.body.error.message, /Unrecognized key/)
    }
    assert.equal((await chainRows(s.db, 'acme')).length, before, 'refused calls are not reads')
  })

  it('when an employee, an admin or nobody calls the audit routes, then 403 or 401 and no event is shown', async () => {
    const alice = await s.token('alice')
    const carol = await s.token('carol', { mfa: true })
    for (const path of ['/api/admin/audit', '/api/admin/audit/export', '/api/admin/audit/verify']) {
      for (const token of [alice, carol]) {
        const res = await get(path, {}, token)
        assert.equal(res.status, 403, path)
        assert.equal(res.body.error.code, 'forbidden_role')
      }
      const anonymous = await request(s.app).get(path)
      assert.equal(anonymous.status, 401, path)
    }
  })

  it('when the auditor reads, exports and verifies, then each call is itself in the log with her id', async () => {
    const head = (await chainRows(s.db, 'acme')).at(-1)!.seq
    await list({ type: 'auth.login', limit: 3 })
    await exportLines({ type: 'auth.login' })
    assert.equal((await get('/api/admin/audit/verify')).status, 200)
    const added = (await chainRows(s.db, 'acme')).filter((r) => r.seq > head)
    assert.deepEqual(added.map((r) => [r.type, r.actor, r.outcome]), [
      ['audit.read', 'erin', 'success'], ['audit.export', 'erin', 'success'], ['audit.verify', 'erin', 'success'],
    ])
    assert.deepEqual(added[0]!.data, { eventType: 'auth.login', page: false, count: 3 })
    assert.deepEqual(added[1]!.data, { eventType: 'auth.login' })
    assert.deepEqual(added[2]!.data, { status: 'intact', entries: head + 2 })
  })

  it('when the auditor exports, then each line is an OCSF event of her tenant, oldest first, ending before the export', async () => {
    const { res, lines } = await exportLines()
    assert.equal(res.headers['transfer-encoding'], 'chunked')
    assert.match(res.headers['content-disposition'] ?? '', /attachment; filename="strongroom-audit-acme\.ndjson"/)
    const rows = await chainRows(s.db, 'acme')
    const exportEntry = rows.findLast((r) => r.type === 'audit.export')!
    assert.deepEqual(lines.map((l) => l.metadata.sequence), rows.filter((r) => r.seq < exportEntry.seq).map((r) => r.seq))
    for (const line of lines) {
      const row = rows.find((r) => r.seq === line.metadata.sequence)!
      const [cls, activityId] = ocsfMapping(row.type)
      assert.equal(line.class_uid, cls.uid)
      assert.equal(line.category_uid, cls.categoryUid)
      assert.equal(line.activity_id, activityId)
      assert.equal(line.type_uid, cls.uid * 100 + activityId)
      assert.equal(line.time, row.occurred_at.getTime())
      assert.equal(line.actor.user.uid, row.actor)
      assert.equal(line.status_id, row.outcome === 'success' ? 1 : 2)
      assert.ok([1, 2, 3].includes(line.severity_id))
      assert.deepEqual(line.metadata.product, { name: 'Strongroom', vendor_name: 'Strongroom project', version: '0.1.0' })
      assert.equal(line.metadata.version, '1.3.0')
      assert.equal(line.metadata.uid, `acme:${row.seq}`)
      assert.equal(line.metadata.event_code, row.type)
      assert.deepEqual(line.unmapped, row.data)
    }
    const login = lines.find((l) => l.metadata.event_code === 'auth.login')!
    assert.deepEqual([login.class_uid, login.activity_id, login.type_uid], [3002, 1, 300201])
    const search = lines.find((l) => l.metadata.event_code === 'retrieval.decision')!
    assert.deepEqual([search.class_uid, search.category_uid, search.activity_id, search.type_uid], [6003, 6, 2, 600302])
    const ingest = lines.find((l) => l.metadata.event_code === 'document.ingest')!
    assert.deepEqual([ingest.class_uid, ingest.activity_id], [3004, 1])
  })

  it('when the export is filtered, then it holds only matching events; a long log streams across batches', async () => {
    const filtered = await exportLines({ type: 'auth.login', from: '2024-06-01T15:00:00Z' })
    assert.deepEqual(filtered.lines.map((l) => l.unmapped.n), [3, 4, 5, 6, 7, 8, 9])
    for (let i = 0; i < 620; i++) {
      await recordAudit(s.db, 'acme', { type: 'admin.action', actor: 'carol', outcome: 'success', data: { action: 'bulk', i } }, new Date(T0 - 1000))
    }
    const bulk = await exportLines({ type: 'admin.action' })
    assert.deepEqual(bulk.lines.map((l) => l.unmapped.i), Array.from({ length: 620 }, (_, i) => i))
  })

  it('when the client goes away in the middle of an export, then the server stops cleanly and keeps answering', async () => {
    const received = await new Promise<number>((resolve, reject) => {
      const req = http.get(`${s.origin}/api/admin/audit/export`, { headers: { authorization: `Bearer ${erin}` } }, (res) => {
        res.once('data', (chunk: Buffer) => {
          req.destroy()
          resolve(chunk.length)
        })
      })
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)))
    })
    assert.ok(received > 0)
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.equal((await list({ limit: 1 })).events.length, 1)
    assert.ok(!s.logLines.some((l) => l.includes('audit export failed') || l.includes('unhandled error')), 'no error logged')
  })

  it('when a user searched for a planted word, then neither the list nor the export carries it or any document title', async () => {
    const body = JSON.stringify((await list({ limit: 500 })).events) + (await exportLines()).text
    assert.ok(body.includes('retrieval.decision'))
    assert.ok(!body.includes(canary), 'the search text reached the audit API')
    const { rows } = await withOwner(s.db, (tx) => tx.query<{ title: string }>('SELECT title FROM documents'))
    assert.ok(rows.length > 5)
    for (const { title } of rows) assert.ok(!body.includes(title), `document title "${title}" reached the audit API`)
  })

  it('when random query strings arrive at the three routes, then each answers 200 or a 400 JSON error naming a parameter', async () => {
    const key = fc.constantFrom('from', 'to', 'type', 'cursor', 'limit', 'tenant', '__proto__', 'constructor', 'from[]', '')
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.date({ noInvalidDate: true, min: new Date(-8.64e15 + 1), max: new Date(8.64e15 - 1) }).map((d) => d.toISOString()),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      fc.integer().map(String),
      fc.constantFrom('auth.login', 'document.ingest', 'a.b', 'v1', Buffer.from('v1:5').toString('base64url'), '%', '\u0000'),
    )
    const path = fc.constantFrom('/api/admin/audit', '/api/admin/audit/export', '/api/admin/audit/verify')
    await fc.assert(fc.asyncProperty(path, fc.array(fc.tuple(key, value), { maxLength: 4 }), async (p, pairs) => {
      const qs = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')
      const res = await request(s.app).get(qs ? `${p}?${qs}` : p).set('authorization', `Bearer ${erin}`)
      assert.ok(res.status === 200 || res.status === 400, `${p}?${qs} answered ${res.status}`)
      if (res.status === 400) {
        assert.match(res.headers['content-type'] ?? '', /^application\/json/)
        assert.ok(['invalid_request', 'bad_request'].includes(res.body.error.code), JSON.stringify(res.body))
      }
    }), { numRuns: 80 })
  })

  it('when the log is intact, then verify says so with the count; a checkpoint shows; a truncated tail is reported', async () => {
    const before = await get('/api/admin/audit/verify')
    assert.equal(before.status, 200)
    assert.deepEqual(before.body, { status: 'intact', entries: (await chainRows(s.db, 'acme')).length - 1, lastCheckpoint: null })

    const cp = await writeCheckpoint(s.db, 'acme', kms)
    const signed = await get('/api/admin/audit/verify')
    assert.equal(signed.body.status, 'intact')
    assert.deepEqual({ ...signed.body.lastCheckpoint, time: undefined }, { seq: cp!.seq, keyId: kms.keyId, time: undefined })
    assert.ok(Date.parse(signed.body.lastCheckpoint.time) > 0)

    await asMaintenance(s.db, 'acme', (tx) => tx.query('DELETE FROM audit_log WHERE seq >= $1', [cp!.seq - 1]))
    const cut = await get('/api/admin/audit/verify')
    assert.equal(cut.status, 200)
    assert.equal(cut.body.status, 'broken')
    assert.deepEqual({ seq: cut.body.problem.seq, kind: cut.body.problem.kind }, { seq: cp!.seq - 1, kind: 'truncated' })
    assert.match(cut.body.problem.detail, /tail was removed/)
    // globex's chain is untouched and is not the auditor's to see; her verify looked at acme only.
    assert.equal(cut.body.lastCheckpoint.seq, cp!.seq)
  })
})
