import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { embeddingInput } from '../../ingest/embed.ts'
import { ingestMany, type ItemOutcome } from '../../ingest/ingest-many.ts'
import type { IngestInput } from '../../ingest/types.ts'
import { withOwner } from '../../server/db/tx.ts'
import { embedLexical } from '../../server/llm/local-embedder.ts'
import { makePdf } from '../helpers/make-pdf.ts'
import { auditEvents, FailingEmbedder, ingestDeps, ingestInput, storedRows } from '../helpers/ingest-fixtures.ts'
import { openTestDatabase, type TestDatabase } from '../helpers/test-db.ts'

/** A Markdown file of `sections` sections, several chunks at chunkSize 200; `marker` goes into its last section. */
function report(n: number, sections = 4, marker = ''): string {
  const parts = [`# Report ${n}`]
  for (let s = 0; s < sections; s++) {
    parts.push(`## Part ${s}`, `Report ${n} part ${s} covers the harbour crane schedule, the glacier survey and budget ${n * 10 + s}.`)
  }
  return `${parts.join('\n\n')}${marker ? ` ${marker}` : ''}\n`
}

function inputs(prefix: string, texts: string[]): IngestInput[] {
  return texts.map((text, i) => ingestInput({ source: `${prefix}/${i}.md`, fileName: `${i}.md`, text }))
}

const small = (t: TestDatabase) => ({ ...t.config, ingest: { ...t.config.ingest, chunkSize: 200, chunkOverlap: 0 } })

function byStatus<T>(outcomes: Array<ItemOutcome<T>>) {
  const counts: Record<string, number> = {}
  for (const o of outcomes) counts[o.result?.status ?? 'error'] = (counts[o.result?.status ?? 'error'] ?? 0) + 1
  return counts
}

describe('ingestMany: batched, pipelined ingest with per-document guarantees', () => {
  let t: TestDatabase
  before(async () => {
    t = await openTestDatabase()
  })
  after(() => t.close())

  it('when many files are ingested in small batches on a worker, then each is stored whole with its vectors and one audit entry', async () => {
    const items = inputs('many', Array.from({ length: 24 }, (_, i) => report(i)))
    const config = small(t)
    const outcomes = await ingestMany({ ...ingestDeps(t), config }, items, (x) => x, { workers: 1, batchChunks: 7 })
    assert.deepEqual(byStatus(outcomes), { added: 24 })

    const { documents, chunks } = await storedRows(t.db)
    assert.equal(documents.length, 24)
    for (const doc of documents) {
      const own = chunks.filter((c) => c.document_id === doc.document_id)
      assert.ok(own.length > 1, 'several chunks per document')
      assert.equal(own.length, doc.chunk_count)
      assert.deepEqual(own.map((c) => c.ordinal), own.map((_, i) => i))
      assert.ok(own.every((c) => c.classification === 1 && c.embedding_model === 'local-hash-v1:384'))
    }
    const events = (await auditEvents(t.db)).filter((e) => e.type === 'document.ingest')
    assert.equal(events.length, 24)
    assert.deepEqual(new Set(events.map((e) => e.data.documentId)), new Set(documents.map((d) => d.document_id)))

    // The binary vector path stores exactly what the embedder computed (as float4, pgvector's precision).
    const { rows } = await withOwner(t.db, (tx) => tx.query(
      `SELECT c.title, c.heading_path, c.text, c.embedding::text AS embedding FROM chunks c
       JOIN documents d USING (tenant_id, document_id) WHERE d.source = 'many/5.md' AND c.ordinal = 1`))
    const row = rows[0]
    const expected = embedLexical(embeddingInput(row.title, row.heading_path, row.text), 384)
    const stored = JSON.parse(row.embedding) as number[]
    assert.equal(stored.length, 384)
    // float4 text output round-trips to the same float4, so compare at that precision.
    stored.forEach((x, i) => assert.equal(Math.fround(x), Math.fround(expected[i] as number)))
  })

  it('when the same files come again, then unchanged ones are not parsed or embedded and changed ones are replaced', async () => {
    const texts = Array.from({ length: 6 }, (_, i) => report(100 + i))
    const deps = { ...ingestDeps(t), config: small(t) }
    await ingestMany(deps, inputs('again', texts), (x) => x, { workers: 0 })
    const before = (await storedRows(t.db)).documents.filter((d) => d.source.startsWith('again/'))

    texts[2] = report(999)
    const embedder = new FailingEmbedder(2)
    const outcomes = await ingestMany({ ...deps, embedder }, inputs('again', texts), (x) => x, { workers: 0 })
    assert.deepEqual(byStatus(outcomes), { unchanged: 5, replaced: 1 })
    assert.equal(embedder.calls, 1, 'only the changed file was embedded')
    const after = (await storedRows(t.db)).documents.filter((d) => d.source.startsWith('again/'))
    assert.equal(after.length, 6)
    const changed = after.find((d) => d.source === 'again/2.md')
    assert.notEqual(changed.document_id, before.find((d) => d.source === 'again/2.md').document_id)
  })

  it('when one document of a batch fails in the database, then the others are stored and it leaves nothing behind', async () => {
    await withOwner(t.db, async (tx) => {
      await tx.query(`CREATE FUNCTION test_fail_chunk() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.text LIKE '%POISON-IN-BATCH%' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`)
      await tx.query(`CREATE TRIGGER test_fail_chunk BEFORE INSERT ON chunks FOR EACH ROW EXECUTE FUNCTION test_fail_chunk()`)
    })
    try {
      const texts = Array.from({ length: 8 }, (_, i) => report(200 + i, 4, i === 5 ? 'POISON-IN-BATCH' : ''))
      const auditBefore = (await auditEvents(t.db)).length
      // One batch for all eight: the poisoned document's last chunk fails after the others' rows were inserted.
      const outcomes = await ingestMany({ ...ingestDeps(t), config: small(t) }, inputs('poison', texts), (x) => x,
        { workers: 1, batchChunks: 10_000 })
      assert.deepEqual(byStatus(outcomes), { added: 7, error: 1 })
      const failed = outcomes.find((o) => o.error)
      assert.equal(failed?.source, 'poison/5.md')
      assert.match(String((failed?.error as Error).message), /injected failure/)

      const { documents, chunks } = await storedRows(t.db)
      const mine = documents.filter((d) => d.source.startsWith('poison/'))
      assert.deepEqual(mine.map((d) => d.source).sort(), ['0', '1', '2', '3', '4', '6', '7'].map((i) => `poison/${i}.md`))
      for (const d of mine) assert.equal(chunks.filter((c) => c.document_id === d.document_id).length, d.chunk_count)
      assert.ok(!chunks.some((c) => /Report 205 /.test(c.text)), 'no chunk of the failed document')
      const events = (await auditEvents(t.db)).slice(auditBefore)
      assert.deepEqual(events.map((e) => [e.type, e.outcome]), mine.map(() => ['document.ingest', 'success']))
    } finally {
      await withOwner(t.db, async (tx) => {
        await tx.query(`DROP TRIGGER test_fail_chunk ON chunks`)
        await tx.query(`DROP FUNCTION test_fail_chunk()`)
      })
    }
  })

  it('when a file is rejected or cannot be read, then it alone is reported and audited, and the rest are stored', async () => {
    const good = inputs('mixed', [report(300), report(301)])
    const locked = ingestInput({
      source: 'mixed/locked.pdf', fileName: 'locked.pdf',
      bytes: makePdf({ pages: [['Secret.']], encrypt: { userPassword: 'u', ownerPassword: 'o' } }),
    })
    const items: Array<IngestInput | 'unreadable'> = [good[0] as IngestInput, locked, 'unreadable', good[1] as IngestInput]
    const auditBefore = (await auditEvents(t.db)).length
    const outcomes = await ingestMany({ ...ingestDeps(t), config: small(t) }, items, (x) => {
      if (x === 'unreadable') throw new Error('EACCES: permission denied')
      return x
    }, { workers: 1 })
    assert.deepEqual(byStatus(outcomes), { added: 2, rejected: 1, error: 1 })
    assert.equal(outcomes.find((o) => o.result?.status === 'rejected')?.result?.reason?.code, 'encrypted_document')
    assert.match(String((outcomes.find((o) => o.error)?.error as Error).message), /EACCES/)
    const events = (await auditEvents(t.db)).slice(auditBefore)
    assert.deepEqual(events.filter((e) => e.outcome === 'failure').map((e) => e.data.reason), ['encrypted_document'])
    assert.equal((await storedRows(t.db)).documents.filter((d) => d.source === 'mixed/locked.pdf').length, 0)
  })

  it('when the same source appears twice in one run, then both are applied in order and the later version stays', async () => {
    const items = [
      ingestInput({ source: 'twice/doc.md', text: report(400) }),
      ingestInput({ source: 'twice/doc.md', text: report(401) }),
    ]
    const outcomes = await ingestMany({ ...ingestDeps(t), config: small(t) }, items, (x) => x, { workers: 0, batchChunks: 10_000 })
    assert.deepEqual(outcomes.map((o) => o.result?.status).sort(), ['added', 'replaced'])
    const { documents, chunks } = await storedRows(t.db)
    const doc = documents.filter((d) => d.source === 'twice/doc.md')
    assert.equal(doc.length, 1)
    assert.ok(chunks.filter((c) => c.document_id === doc[0].document_id).some((c) => /Report 401 /.test(c.text)))
  })

  it('when the run is aborted, then files not yet parsed are left alone and the ones under way finish whole', async () => {
    const stop = new AbortController()
    const items = inputs('abort', Array.from({ length: 200 }, (_, i) => report(500 + i)))
    const outcomes = await ingestMany({ ...ingestDeps(t), config: small(t) }, items, (x) => x,
      { workers: 0, batchChunks: 10, signal: stop.signal, onResult: () => stop.abort() })
    assert.ok(outcomes.length >= 1 && outcomes.length < 200, `${outcomes.length} files handled`)
    assert.ok(outcomes.every((o) => o.result?.status === 'added'))
    const { documents, chunks } = await storedRows(t.db)
    const mine = documents.filter((d) => d.source.startsWith('abort/'))
    assert.equal(mine.length, outcomes.length)
    for (const d of mine) assert.equal(chunks.filter((c) => c.document_id === d.document_id).length, d.chunk_count)
  })
})
