import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ingestFile } from '../../ingest/pipeline.ts'
import { withOwner } from '../../server/db/tx.ts'
import { makeDocx } from '../helpers/make-docx.ts'
import { makePdf } from '../helpers/make-pdf.ts'
import { auditEvents, FailingEmbedder, ingestDeps, ingestInput, storedRows } from '../helpers/ingest-fixtures.ts'
import { openTestDatabase, type TestDatabase } from '../helpers/test-db.ts'

describe('ingest pipeline: formats, dedupe, replace, failures', () => {
  let t: TestDatabase
  before(async () => {
    t = await openTestDatabase()
  })
  after(() => t.close())

  it('when each supported format is ingested, then its text is chunked, embedded and stored with its attributes', async () => {
    const files: Array<[string, Buffer, string]> = [
      ['a.txt', Buffer.from('Plain text about the aurora borealis observatory.\n'), 'text'],
      ['b.md', Buffer.from('# Runbook\n\n## Restart\n\nRestart the glacier ingestion service.\n'), 'markdown'],
      ['c.html', Buffer.from('<html><head><title>Canal</title></head><body><h1>Canal locks</h1><p>Lock 7 opens at dawn.</p></body></html>'), 'html'],
      ['d.pdf', makePdf({ title: 'Orchard report', pages: [['Apple orchard yield rose.'], ['Pear orchard yield fell.']] }), 'pdf'],
      ['e.docx', await makeDocx([{ text: 'Volcano survey', style: 'Heading1' }, { text: 'The caldera is stable.' }]), 'docx'],
      ['f.csv', Buffer.from('city,river\nLyon,Rhone\nCairo,Nile\n'), 'csv'],
      ['g.json', Buffer.from('{"project":"lighthouse","status":"green"}'), 'json'],
    ]
    for (const [name, bytes, format] of files) {
      const r = await ingestFile(ingestDeps(t), ingestInput({
        bytes, fileName: name, source: `formats/${name}`, classification: 'confidential',
        departments: ['finance', 'engineering'], allow: ['group:eng-all'],
      }))
      assert.equal(r.status, 'added', `${name}: ${JSON.stringify(r.reason)}`)
      assert.ok(r.chunks >= 1)
      const { documents, chunks } = await storedRows(t.db)
      const doc = documents.find((d) => d.source === `formats/${name}`)
      assert.equal(doc.format, format)
      assert.equal(doc.classification, 2)
      assert.deepEqual(doc.departments, ['engineering', 'finance'])
      assert.deepEqual(doc.allowed_principals, ['group:eng-all'])
      assert.equal(doc.chunk_count, r.chunks)
      assert.equal(doc.byte_size, bytes.length)
      const own = chunks.filter((c) => c.document_id === doc.document_id)
      assert.equal(own.length, r.chunks)
      for (const c of own) {
        assert.equal(c.classification, 2)
        assert.deepEqual(c.departments, ['engineering', 'finance'])
        assert.deepEqual(c.allowed_principals, ['group:eng-all'])
        assert.equal(c.embedding_model, 'local-hash-v1:384')
      }
    }
    const { chunks } = await storedRows(t.db)
    const pdfDoc = (await storedRows(t.db)).documents.find((d) => d.format === 'pdf')
    const pdfChunks = chunks.filter((c) => c.document_id === pdfDoc.document_id)
    assert.deepEqual(pdfChunks.map((c) => c.page), [1, 2])
    assert.equal(pdfDoc.title, 'Orchard report')
    const md = chunks.find((c) => /glacier/.test(c.text))
    assert.deepEqual(md.heading_path, ['Runbook', 'Restart'])
  })

  it('when the same file is ingested again with the same attributes, then it is unchanged and nothing is rewritten', async () => {
    const input = ingestInput({ source: 'dedupe/one.md' })
    const first = await ingestFile(ingestDeps(t), input)
    assert.equal(first.status, 'added')
    const embedder = new FailingEmbedder(1)
    const second = await ingestFile(ingestDeps(t, embedder), input)
    assert.equal(second.status, 'unchanged')
    assert.equal(second.documentId, first.documentId)
    assert.equal(second.chunks, first.chunks)
    assert.equal(embedder.calls, 0, 'an unchanged file is neither parsed nor embedded again')
  })

  it('when only the attributes change, then the document is replaced with the new attributes', async () => {
    const input = ingestInput({ source: 'dedupe/attrs.md' })
    const first = await ingestFile(ingestDeps(t), input)
    const second = await ingestFile(ingestDeps(t), { ...input, classification: 'restricted', departments: ['hr'] })
    assert.equal(second.status, 'replaced')
    assert.notEqual(second.documentId, first.documentId)
    const { documents, chunks } = await storedRows(t.db)
    const doc = documents.find((d) => d.source === 'dedupe/attrs.md')
    assert.equal(doc.classification, 3)
    assert.ok(chunks.filter((c) => c.document_id === doc.document_id).every((c) => c.classification === 3))
  })

  it('when a source is re-ingested with new content, then the old document and all its chunks are gone', async () => {
    const long = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} about the old harbour crane schedule.`).join('\n\n')
    const first = await ingestFile(ingestDeps(t), ingestInput({ source: 'replace/doc.md', text: `# Old\n\n${long}` }))
    assert.ok(first.chunks > 1)
    const second = await ingestFile(ingestDeps(t), ingestInput({ source: 'replace/doc.md', text: '# New\n\nOnly the new text.' }))
    assert.equal(second.status, 'replaced')
    const { documents, chunks } = await storedRows(t.db)
    assert.equal(documents.filter((d) => d.source === 'replace/doc.md').length, 1)
    assert.equal(chunks.filter((c) => c.document_id === first.documentId).length, 0)
    assert.deepEqual(chunks.filter((c) => c.document_id === second.documentId).map((c) => c.text), ['Only the new text.'])
    const replace = (await auditEvents(t.db)).find((e) => e.type === 'document.replace' && e.data.documentId === second.documentId)
    assert.equal(replace?.data.previousDocumentId, first.documentId)
  })

  it('when the database fails after the old version was deleted, then the replacement rolls back and the old version stays', async () => {
    const first = await ingestFile(ingestDeps(t), ingestInput({ source: 'atomic/doc.md', text: '# V1\n\nVersion one text.' }))
    await withOwner(t.db, async (tx) => {
      await tx.query(`CREATE FUNCTION test_fail_chunk() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.text LIKE '%FAIL-INSIDE-TX%' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`)
      await tx.query(`CREATE TRIGGER test_fail_chunk BEFORE INSERT ON chunks FOR EACH ROW EXECUTE FUNCTION test_fail_chunk()`)
    })
    try {
      const auditBefore = (await auditEvents(t.db)).length
      await assert.rejects(
        ingestFile(ingestDeps(t), ingestInput({ source: 'atomic/doc.md', text: '# V2\n\nFAIL-INSIDE-TX version two.' })),
        /injected failure/,
      )
      const { documents, chunks } = await storedRows(t.db)
      const doc = documents.find((d) => d.source === 'atomic/doc.md')
      assert.equal(doc.document_id, first.documentId)
      assert.deepEqual(chunks.filter((c) => c.document_id === first.documentId).map((c) => c.text), ['Version one text.'])
      assert.equal((await auditEvents(t.db)).length, auditBefore, 'no audit entry for a change that did not happen')
    } finally {
      await withOwner(t.db, async (tx) => {
        await tx.query(`DROP TRIGGER test_fail_chunk ON chunks`)
        await tx.query(`DROP FUNCTION test_fail_chunk()`)
      })
    }
  })

  it('when the embedder fails mid-batch, then nothing of the document is stored', async () => {
    const text = Array.from({ length: 30 }, (_, i) => `Section ${i} of the meteor shower observation log.`).join('\n\n')
    const config = { ...t.config, ingest: { ...t.config.ingest, chunkSize: 100, chunkOverlap: 0 }, embeddings: { ...t.config.embeddings, batchSize: 4 } }
    const embedder = new FailingEmbedder(3)
    await assert.rejects(
      ingestFile({ db: t.db, embedder, config }, ingestInput({ source: 'fail/embed.md', text })),
      /embedding backend went away/,
    )
    assert.equal(embedder.calls, 3)
    const { documents } = await storedRows(t.db)
    assert.equal(documents.filter((d) => d.source === 'fail/embed.md').length, 0)
  })

  it('when ingests succeed, then the audit log holds ids, attributes and counts but no title, source or text', async () => {
    const r = await ingestFile(ingestDeps(t), ingestInput({ source: 'audit/secret-title.md', title: 'Codename Bluebird', text: '# Bluebird\n\nBluebird launch text.' }))
    const event = (await auditEvents(t.db)).find((e) => e.data.documentId === r.documentId)
    assert.equal(event?.type, 'document.ingest')
    assert.equal(event?.actor, 'cli:ingest')
    assert.equal(event?.outcome, 'success')
    assert.equal(event?.data.classification, 1)
    assert.equal(event?.data.chunks, 1)
    const serialized = JSON.stringify(event)
    for (const leaked of ['Bluebird', 'secret-title', 'audit/']) assert.ok(!serialized.includes(leaked), leaked)
  })
})
