import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { embeddingInput } from '../../ingest/embed.ts'
import { ingestFile } from '../../ingest/pipeline.ts'
import { reembedAll } from '../../ingest/reembed-job.ts'
import { VECTOR_INDEXES, vectorIndexDefinition } from '../../ingest/vector-index-definition.ts'
import { withOwner } from '../../server/db/tx.ts'
import { graphPrecision } from '../../server/retrieval/graph-precision.ts'
import type { Embedder } from '../../server/llm/embeddings.ts'
import { embedLexical, LocalHashEmbedder } from '../../server/llm/local-embedder.ts'
import { checkEmbeddings, EmbeddingMismatchError } from '../../server/retrieval/embedding-check.ts'
import { searchChunks } from '../../server/retrieval/search.service.ts'
import { PRINCIPALS } from '../helpers/principals.ts'
import { ingestDeps, ingestInput } from '../helpers/ingest-fixtures.ts'
import { openTestDatabase, type TestDatabase } from '../helpers/test-db.ts'

/** The local embedder under another model id, optionally failing on one call. */
class OtherModel implements Embedder {
  readonly inner: LocalHashEmbedder
  readonly model: string
  readonly dimensions: number
  calls = 0
  failOnCall = 0
  constructor(dimensions = 384) {
    this.inner = new LocalHashEmbedder({ dimensions })
    this.model = `other-model:${dimensions}`
    this.dimensions = dimensions
  }
  async embedDocuments(texts: string[]) {
    if (++this.calls === this.failOnCall) throw new Error('provider outage')
    return this.inner.embedDocuments(texts)
  }
  embedQuery(text: string) {
    return this.inner.embedQuery(text)
  }
}

async function state(t: TestDatabase) {
  return withOwner(t.db, async (tx) => {
    const models = await tx.query(`SELECT embedding_model, count(*)::int AS n FROM chunks GROUP BY 1 ORDER BY 1`)
    const defs = await tx.query(`SELECT indexdef FROM pg_indexes WHERE indexname = ANY ($1::text[])`, [VECTOR_INDEXES.map((x) => x.name)])
    const notNull = await tx.query(`SELECT attnotnull, atttypmod FROM pg_attribute WHERE attrelid = 'chunks'::regclass AND attname = 'embedding'`)
    const dims = notNull.rows[0].atttypmod
    // Each level graph is rebuilt over the column's current length (the half-precision cast names it).
    const expected = VECTOR_INDEXES.map((x) => vectorIndexDefinition(x, dims, graphPrecision(t.db.engine))).sort()
    const index = defs.rowCount === VECTOR_INDEXES.length && JSON.stringify(defs.rows.map((r) => r.indexdef).sort()) === JSON.stringify(expected)
    return { models: models.rows, index, notNull: notNull.rows[0].attnotnull, dims }
  })
}

describe('embedding start-up check and npm run reembed', () => {
  let t: TestDatabase
  let total = 0
  before(async () => {
    t = await openTestDatabase()
    const body = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} on the lighthouse keeper rota.`).join('\n\n')
    const config = { ...t.config, ingest: { ...t.config.ingest, chunkSize: 100, chunkOverlap: 0 } }
    for (const [tenantId, source] of [['acme', 'a.md'], ['globex', 'b.md']]) {
      const r = await ingestFile({ ...ingestDeps(t), config }, ingestInput({ tenantId, source, text: `# Rota\n\n${body}` }))
      total += r.chunks
    }
    assert.ok(total >= 10)
  })
  after(() => t.close())

  it('when stored vectors match the configured embedder, then the check passes', async () => {
    await checkEmbeddings(t.db, new LocalHashEmbedder())
  })

  it('when the configured model or dimensions differ, then the start-up check names npm run reembed', async () => {
    await assert.rejects(checkEmbeddings(t.db, new OtherModel()), (err: unknown) => {
      assert.ok(err instanceof EmbeddingMismatchError)
      assert.match(err.message, /acme has chunks embedded with model local-hash-v1:384.*npm run reembed/)
      return true
    })
    await assert.rejects(checkEmbeddings(t.db, new LocalHashEmbedder({ dimensions: 64 })), /holds 384 dimensions but EMBEDDINGS_DIMENSIONS is 64.*npm run reembed/)
  })

  it('when re-embedding fails midway, then a second run resumes and finishes with the new model', async () => {
    const other = new OtherModel()
    other.failOnCall = 3
    await assert.rejects(reembedAll(t.db, other, { batchSize: 2, rowsPerBatch: 4 }), /provider outage/)
    const partial = await state(t)
    assert.deepEqual(partial.models.map((m: { embedding_model: string }) => m.embedding_model), ['local-hash-v1:384', 'other-model:384'])
    assert.equal(partial.models[1].n, 4, 'the batch before the failure was committed')
    const report = await reembedAll(t.db, new OtherModel(), { batchSize: 2, rowsPerBatch: 4 })
    assert.equal(report.reembedded, total - 4)
    const done = await state(t)
    assert.deepEqual(done.models, [{ embedding_model: 'other-model:384', n: total }])
    assert.equal(done.index, true)
    await checkEmbeddings(t.db, new OtherModel())
  })

  it('when the dimensions change, then the column is resized, every chunk re-embedded and the index rebuilt', async () => {
    const small = new LocalHashEmbedder({ dimensions: 64 })
    const report = await reembedAll(t.db, small, { batchSize: 8 })
    assert.deepEqual([report.previousDimensions, report.dimensions, report.reembedded], [384, 64, total])
    const after = await state(t)
    assert.deepEqual(after, { models: [{ embedding_model: 'local-hash-v1:64', n: total }], index: true, notNull: true, dims: 64 })
    await checkEmbeddings(t.db, small)
    const row = await withOwner(t.db, (tx) => tx.query(`SELECT title, heading_path, text, embedding::text AS e FROM chunks LIMIT 1`))
    const r = row.rows[0]
    const expected = embedLexical(embeddingInput(r.title, r.heading_path, r.text), 64)
    const stored = JSON.parse(r.e) as number[]
    assert.equal(stored.length, 64)
    stored.forEach((v, i) => assert.ok(Math.abs(v - (expected[i] as number)) < 1e-6))
    // Search works at the new size: the query vector comes from the same embedder.
    const found = await searchChunks(t.db, PRINCIPALS.erin, { text: 'lighthouse', embedding: await small.embedQuery('lighthouse keeper rota'), dimensions: small.dimensions, k: 3 })
    assert.equal(found.results.length, 3)
  })
})
