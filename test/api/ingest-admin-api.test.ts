import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import request from 'supertest'
import { withOwner } from '../../server/db/tx.ts'
import { documentRoutes } from '../../server/documents/documents.routes.ts'
import { LocalHashEmbedder } from '../../server/llm/local-embedder.ts'
import { makePdf } from '../helpers/make-pdf.ts'
import { auditEvents, storedRows } from '../helpers/ingest-fixtures.ts'
import { memoryLogger } from '../helpers/silent-logger.ts'
import { startTestServer, type TestServer } from '../helpers/test-server.ts'

describe('admin document API', () => {
  let s: TestServer
  let carol: string
  const auth = () => ({ authorization: `Bearer ${carol}` })
  before(async () => {
    s = await startTestServer({ INGEST_MAX_FILE_BYTES: '20000' }, (t) => ({
      routers: [documentRoutes({ db: t.db, embedder: new LocalHashEmbedder(), config: t.config, logger: memoryLogger().logger })],
    }))
    carol = await s.token('carol', { mfa: true })
  })
  after(() => s.close())

  const upload = (name: string, body: string | Buffer, fields: Record<string, string | string[]> = {}) => {
    let req = request(s.app).post('/api/admin/documents').set(auth()).attach('file', Buffer.from(body), name)
    for (const [k, v] of Object.entries(fields)) for (const value of [v].flat()) req = req.field(k, value)
    return req
  }

  it('when carol uploads a document with MFA, then it is stored with its attributes and listed without text', async () => {
    const res = await upload('forecast.md', '# Forecast\n\nRevenue grows in the third quarter.', {
      classification: 'confidential', department: ['finance', 'engineering'], allow: 'group:finance-all',
    }).expect(201)
    assert.equal(res.body.status, 'added')
    assert.equal(res.body.chunks, 1)
    const list = await request(s.app).get('/api/admin/documents').set(auth()).expect(200)
    const item = list.body.items.find((d: { id: string }) => d.id === res.body.documentId)
    assert.equal(item.title, 'Forecast')
    assert.equal(item.source, 'upload:forecast.md')
    assert.equal(item.classification, 'confidential')
    assert.deepEqual(item.departments, ['engineering', 'finance'])
    assert.deepEqual(item.allow, ['group:finance-all'])
    assert.equal(item.status, 'active')
    assert.equal(item.chunkCount, 1)
    assert.deepEqual(item.findings, {})
    assert.ok(!JSON.stringify(list.body).includes('third quarter'), 'no document text in the listing')
    const again = await upload('forecast.md', '# Forecast\n\nRevenue grows in the third quarter.', {
      classification: 'confidential', department: ['finance', 'engineering'], allow: 'group:finance-all',
    }).expect(200)
    assert.equal(again.body.status, 'unchanged')
    const audit = (await auditEvents(s.db)).find((e) => e.data.documentId === res.body.documentId)
    assert.deepEqual([audit?.type, audit?.actor], ['document.ingest', 'carol'])
  })

  it('when the upload is malformed, then it is refused with a 4xx code and nothing is stored', async () => {
    const before = (await storedRows(s.db)).documents.length
    const unknown = await upload('a.md', '# A\n\nText.', { classification: 'public', colour: 'blue' }).expect(400)
    assert.equal(unknown.body.error.code, 'invalid_request')
    const noFile = await request(s.app).post('/api/admin/documents').set(auth()).field('classification', 'public').expect(400)
    assert.equal(noFile.body.error.code, 'file_required')
    const encrypted = makePdf({ pages: [['Hidden.']], encrypt: { userPassword: 'u-pass', ownerPassword: 'o-pass' } })
    const bad = await upload('locked.pdf', encrypted, { classification: 'public' }).expect(400)
    assert.equal(bad.body.error.code, 'encrypted_document')
    const large = await upload('big.txt', 'x'.repeat(20_001), { classification: 'public' }).expect(413)
    assert.equal(large.body.error.code, 'file_too_large')
    const noClass = await upload('a.md', '# A\n\nText.').expect(400)
    assert.equal(noClass.body.error.code, 'classification_required')
    const dept = await upload('a.md', '# A\n\nText.', { classification: 'public', department: 'marketing' }).expect(400)
    assert.equal(dept.body.error.code, 'unknown_department')
    assert.equal((await storedRows(s.db)).documents.length, before)
  })

  it('when documents are listed with filters and pages, then only matching rows come back, page by page', async () => {
    await upload('p1.md', '# P1\n\nPublic one.', { classification: 'public' }).expect(201)
    await upload('p2.md', '# P2\n\nPublic two.', { classification: 'public', department: 'hr' }).expect(201)
    const pub = await request(s.app).get('/api/admin/documents?classification=public').set(auth()).expect(200)
    assert.deepEqual(pub.body.items.map((d: { title: string }) => d.title).sort(), ['P1', 'P2'])
    const hr = await request(s.app).get('/api/admin/documents?department=hr').set(auth()).expect(200)
    assert.deepEqual(hr.body.items.map((d: { title: string }) => d.title), ['P2'])
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: request.Response = await request(s.app).get(`/api/admin/documents?limit=1${cursor ? `&cursor=${cursor}` : ''}`).set(auth()).expect(200)
      assert.ok(page.body.items.length <= 1)
      seen.push(...page.body.items.map((d: { id: string }) => d.id))
      cursor = page.body.nextCursor
    } while (cursor)
    assert.equal(new Set(seen).size, (await storedRows(s.db)).documents.length)
    await request(s.app).get('/api/admin/documents?limit=101').set(auth()).expect(400)
    await request(s.app).get('/api/admin/documents?sort=title').set(auth()).expect(400)
    await request(s.app).get('/api/admin/documents?cursor=bm90LWEtY3Vyc29y').set(auth()).expect(400)
  })

  it('when a quarantined upload is released, then document and chunks are active and the release is audited', async () => {
    await withOwner(s.db, (tx) => tx.query(`UPDATE tenants SET settings = '{"scanPolicy":"quarantine"}' WHERE tenant_id = 'acme'`))
    const res = await upload('contact.md', '# Contact\n\nMail jane.doe@example.com for access.', { classification: 'internal' }).expect(201)
    await withOwner(s.db, (tx) => tx.query(`UPDATE tenants SET settings = '{}' WHERE tenant_id = 'acme'`))
    assert.equal(res.body.status, 'quarantined')
    assert.equal(res.body.findings.EMAIL, 1)
    const held = await request(s.app).get('/api/admin/documents?status=quarantined').set(auth()).expect(200)
    assert.deepEqual(held.body.items.map((d: { id: string }) => d.id), [res.body.documentId])
    const released = await request(s.app).post(`/api/admin/documents/${res.body.documentId}/release`).set(auth()).expect(200)
    assert.equal(released.body.status, 'active')
    const { chunks } = await storedRows(s.db)
    assert.ok(chunks.filter((c) => c.document_id === res.body.documentId).every((c) => c.quarantined === false))
    const again = await request(s.app).post(`/api/admin/documents/${res.body.documentId}/release`).set(auth()).expect(409)
    assert.equal(again.body.error.code, 'document_not_quarantined')
    const audit = (await auditEvents(s.db)).filter((e) => e.data.documentId === res.body.documentId).map((e) => [e.type, e.actor])
    assert.deepEqual(audit, [['document.ingest', 'carol'], ['document.quarantine', 'carol'], ['document.release', 'carol']])
  })

  it('when a document is deleted, then it and its chunks are gone, and another tenant\'s admin cannot delete it', async () => {
    const res = await upload('gone.md', '# Gone\n\nSoon deleted.', { classification: 'public' }).expect(201)
    const dave = await s.token('dave', { mfa: true })
    const foreign = await request(s.app).delete(`/api/admin/documents/${res.body.documentId}`).set({ authorization: `Bearer ${dave}` }).expect(404)
    assert.equal(foreign.body.error.code, 'document_not_found')
    await request(s.app).delete(`/api/admin/documents/${res.body.documentId}`).set(auth()).expect(204)
    const { documents, chunks } = await storedRows(s.db)
    assert.equal(documents.filter((d) => d.document_id === res.body.documentId).length, 0)
    assert.equal(chunks.filter((c) => c.document_id === res.body.documentId).length, 0)
    await request(s.app).delete(`/api/admin/documents/${res.body.documentId}`).set(auth()).expect(404)
    await request(s.app).delete('/api/admin/documents/not-a-uuid').set(auth()).expect(400)
    const audit = (await auditEvents(s.db)).find((e) => e.type === 'document.delete')
    assert.deepEqual([audit?.actor, audit?.data.documentId], ['carol', res.body.documentId])
  })

  it('when a non-admin or an admin without fresh MFA calls the API, then the guard refuses before any upload is read', async () => {
    const alice = await s.token('alice', { mfa: true })
    const forbidden = await request(s.app).get('/api/admin/documents').set({ authorization: `Bearer ${alice}` }).expect(403)
    assert.equal(forbidden.body.error.code, 'forbidden_role')
    const noMfa = await s.token('carol')
    const stepUp = await request(s.app).post('/api/admin/documents').set({ authorization: `Bearer ${noMfa}` })
      .attach('file', Buffer.from('# X\n\nY'), 'x.md').field('classification', 'public')
    assert.equal(stepUp.status, 401)
    assert.equal(stepUp.body.error.code, 'step_up_required')
  })
})
