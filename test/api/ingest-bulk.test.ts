import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ingestMany } from '../../ingest/ingest-many.ts'
import type { IngestInput } from '../../ingest/types.ts'
import { chooseBuildWorkers, parallelBuildIsSafe } from '../../ingest/hnsw-build-workers.ts'
import {
  countChunksByLevel, LARGE_LEVEL_EF_CONSTRUCTION, VECTOR_INDEXES, vectorIndexDefinition, type VectorIndex,
} from '../../ingest/vector-index-definition.ts'
import { ensureVectorIndex, outgrownVectorIndexes, vectorIndexState, withDeferredVectorIndex } from '../../ingest/vector-index.ts'
import { withOwner } from '../../server/db/tx.ts'
import { graphPrecision } from '../../server/retrieval/graph-precision.ts'
import { LocalHashEmbedder } from '../../server/llm/local-embedder.ts'
import { searchChunks } from '../../server/retrieval/search.service.ts'
import { ingestDeps, ingestInput, storedRows } from '../helpers/ingest-fixtures.ts'
import { PRINCIPALS } from '../helpers/principals.ts'
import { openTestDatabase, serverUrl, type TestDatabase } from '../helpers/test-db.ts'

/** The level-1 (internal) index, where these tests' documents go. */
const INTERNAL_INDEX = VECTOR_INDEXES[1]?.name as string

const TOPICS = ['glacier', 'harbour', 'orchard', 'lighthouse', 'volcano', 'telemetry', 'payroll', 'freight', 'tariff', 'canal']

/** `n` small files, each about its own made-up word (a topic and a number from `from` on). */
function files(prefix: string, n: number, from = 0): IngestInput[] {
  return Array.from({ length: n }, (_, i) => {
    const topic = `${TOPICS[i % TOPICS.length]}${from + i}`
    const text = `# ${topic} notes\n\nThe ${topic} team reviewed the ${topic} plan.\n\n## Status\n\nWork on ${topic} continues.\n`
    return ingestInput({ source: `${prefix}/${i}.md`, fileName: `${i}.md`, text, classification: 'internal' })
  })
}

/** The HNSW route's query (exactThreshold 1, selectiveShare 0) for one word; without the index it runs as an exact scan and sort. */
async function topDocument(t: TestDatabase, word: string) {
  const embedding = await new LocalHashEmbedder().embedQuery(word)
  const r = await searchChunks(t.db, PRINCIPALS.alice, { text: word, embedding, k: 3 }, { exactThreshold: 1, selectiveShare: 0, candidateDepth: 5, countCacheTtlMs: 0 })
  const { documents } = await storedRows(t.db)
  return { route: r.route, source: documents.find((d) => d.document_id === r.results[0]?.documentId)?.source }
}

describe('bulk load: the HNSW indexes are dropped for the load and always rebuilt', () => {
  let t: TestDatabase
  before(async () => {
    t = await openTestDatabase()
  })
  after(() => t.close())

  it('when the schema is migrated, then there is one index per level and each matches the definition bulk mode rebuilds', async () => {
    const { rows } = await withOwner(t.db, (tx) => tx.query(
      `SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index WHERE indrelid = 'chunks'::regclass AND pg_get_indexdef(indexrelid) LIKE '%USING hnsw%'
       ORDER BY 1`))
    // Half precision on a server, full precision on PGlite (server/retrieval/graph-precision.ts), as migration 0018 chose.
    assert.deepEqual(rows.map((r) => r.def), VECTOR_INDEXES.map((x) => vectorIndexDefinition(x, 384, graphPrecision(t.db.engine))))
    assert.match(rows[0]?.def, t.db.engine === 'postgres' ? /\(\(embedding\)::halfvec\(384\)\) halfvec_cosine_ops/ : /\(embedding vector_cosine_ops\)/)
    assert.equal(await vectorIndexState(t.db), 'valid')
  })

  it('when a bulk load runs, then searches meanwhile are exact, and afterwards the index is back and valid', async () => {
    const deps = ingestDeps(t)
    await ingestMany(deps, files('first', 20), (x) => x, { workers: 0 })
    const during = await withDeferredVectorIndex(t.db, {}, async () => {
      assert.equal(await vectorIndexState(t.db), 'missing')
      await ingestMany(deps, files('bulk', 40, 100), (x) => x, { workers: 1, batchChunks: 16 })
      return Promise.all([topDocument(t, 'orchard2'), topDocument(t, 'canal139')])
    })
    assert.deepEqual(during, [{ route: 'hnsw', source: 'first/2.md' }, { route: 'hnsw', source: 'bulk/39.md' }])
    assert.equal(await vectorIndexState(t.db), 'valid')
    assert.deepEqual(await Promise.all([topDocument(t, 'orchard2'), topDocument(t, 'canal139')]), during)
    const { rows } = await withOwner(t.db, (tx) => tx.query(`SELECT count(*)::int AS n FROM chunks`))
    assert.equal(rows[0].n, (await storedRows(t.db)).chunks.length)
  })

  it('when the load fails, then the index is rebuilt anyway and the failure is raised', async () => {
    await assert.rejects(
      withDeferredVectorIndex(t.db, {}, async () => {
        await ingestMany(ingestDeps(t), files('doomed', 3, 200), (x) => x, { workers: 0 })
        throw new Error('disk full')
      }),
      /disk full/,
    )
    assert.equal(await vectorIndexState(t.db), 'valid')
    assert.equal((await storedRows(t.db)).documents.filter((d) => d.source.startsWith('doomed/')).length, 3,
      'documents committed before the failure stay, each whole')
  })

  it('when level indexes are missing or invalid, then ensureVectorIndex builds those; when all are valid, it leaves them alone', async () => {
    const messages: string[] = []
    assert.equal(await ensureVectorIndex(t.db, { log: (m) => messages.push(m) }), false)
    assert.equal(messages.length, 0)

    const oid = async (name: string) => (await withOwner(t.db, (tx) => tx.query(`SELECT to_regclass($1)::oid::int AS oid`, [name]))).rows[0].oid
    const untouched = await oid(VECTOR_INDEXES[0]?.name as string)
    await withOwner(t.db, (tx) => tx.query(`DROP INDEX ${INTERNAL_INDEX}; DROP INDEX ${VECTOR_INDEXES[3]?.name}`))
    assert.equal(await vectorIndexState(t.db), 'missing')
    assert.equal(await ensureVectorIndex(t.db, { log: (m) => messages.push(m) }), true)
    assert.equal(await vectorIndexState(t.db), 'valid')
    assert.equal(await oid(VECTOR_INDEXES[0]?.name as string), untouched, 'a valid index is not rebuilt')
    const sideBySide = t.engine === 'postgres' && !parallelBuildIsSafe(await pgvectorVersion(t))
    assert.match(messages.join('\n'), new RegExp(`building 2 vector indexes \\(${sideBySide ? 2 : 1} at a time\\)`))

    // What a failed CREATE INDEX CONCURRENTLY leaves behind: an index marked invalid.
    await withOwner(t.db, (tx) => tx.query(`UPDATE pg_index SET indisvalid = false WHERE indexrelid = to_regclass($1)`, [INTERNAL_INDEX]))
    assert.equal(await vectorIndexState(t.db), 'invalid')
    assert.equal(await ensureVectorIndex(t.db), true)
    assert.equal(await vectorIndexState(t.db), 'valid')
  })

  it('when a level outgrows the large-level size, then ensureVectorIndex rebuilds its graph denser beside the one in use; a failed rebuild keeps the old one', async () => {
    const counts = await withOwner(t.db, countChunksByLevel)
    // The threshold lowered to the largest level's size: that level has outgrown its default-built graph, no other has.
    const largeLevelChunks = Math.max(...counts)
    const level = counts.indexOf(largeLevelChunks)
    const index = VECTOR_INDEXES[level] as VectorIndex
    assert.ok(largeLevelChunks > 0 && counts.filter((n) => n === largeLevelChunks).length === 1, String(counts))
    const graphs = async () => (await withOwner(t.db, (tx) => tx.query<{ def: string; oid: number }>(
      `SELECT pg_get_indexdef(c.oid) AS def, c.oid::int AS oid FROM pg_class c
       WHERE c.relname = ANY ($1::text[]) AND c.relkind = 'i' ORDER BY c.relname`, [VECTOR_INDEXES.map((x) => x.name)]))).rows
    const answers = await Promise.all([topDocument(t, 'orchard2'), topDocument(t, 'canal139')])
    const old = await graphs()
    assert.deepEqual((await outgrownVectorIndexes(t.db, { largeLevelChunks })).map((x) => [x.name, x.chunks]), [[index.name, largeLevelChunks]])
    assert.deepEqual(await outgrownVectorIndexes(t.db), [], 'no level is near the real threshold')

    // The replacement's name taken: its CREATE INDEX fails, and the graph in use must stay.
    await withOwner(t.db, (tx) => tx.query(`CREATE TABLE ${index.name}_next (x int)`))
    try {
      await assert.rejects(ensureVectorIndex(t.db, { largeLevelChunks }), /already exists/)
    } finally {
      await withOwner(t.db, (tx) => tx.query(`DROP TABLE ${index.name}_next`))
    }
    assert.deepEqual(await graphs(), old)

    const messages: string[] = []
    assert.equal(await ensureVectorIndex(t.db, { largeLevelChunks, log: (m) => messages.push(m) }), true)
    assert.match(messages.join('\n'), new RegExp(`level has grown to ${largeLevelChunks} chunks: rebuilding its vector index with ef_construction 200`))
    const rebuilt = await graphs()
    assert.deepEqual(rebuilt.map((r) => r.def),
      VECTOR_INDEXES.map((x) => vectorIndexDefinition(x, 384, graphPrecision(t.db.engine), x.level === level ? LARGE_LEVEL_EF_CONSTRUCTION : undefined)))
    assert.match(rebuilt[level]?.def ?? '', / WITH \(ef_construction='200'\) WHERE /)
    assert.deepEqual(rebuilt.map((r, i) => r.oid === old[i]?.oid), VECTOR_INDEXES.map((x) => x.level !== level), 'only the outgrown graph is replaced')
    assert.equal(await vectorIndexState(t.db), 'valid')
    assert.deepEqual(await Promise.all([topDocument(t, 'orchard2'), topDocument(t, 'canal139')]), answers)
    assert.equal(await ensureVectorIndex(t.db, { largeLevelChunks }), false, 'a graph built for its size is left alone')
  })

  it('when the index is built, then the table keeps the parallel_workers setting it had', async () => {
    const reloption = async () => (await withOwner(t.db, (tx) => tx.query(
      `SELECT option_value AS v FROM pg_options_to_table((SELECT reloptions FROM pg_class WHERE oid = to_regclass('chunks')))
       WHERE option_name = 'parallel_workers'`))).rows[0]?.v ?? null
    await withDeferredVectorIndex(t.db, {}, async () => undefined)
    assert.equal(await reloption(), null)
    await withOwner(t.db, (tx) => tx.query(`ALTER TABLE chunks SET (parallel_workers = 1)`))
    await withDeferredVectorIndex(t.db, {}, async () => undefined)
    assert.equal(await reloption(), '1')
    await withOwner(t.db, (tx) => tx.query(`ALTER TABLE chunks RESET (parallel_workers)`))
    assert.equal(await vectorIndexState(t.db), 'valid')
  })

  it('when pgvector is older than 0.8.2, then the build is serial (CVE-2026-3172); from 0.8.2 on it uses every allowed worker', async () => {
    assert.deepEqual(['0.5.1', '0.8.0', '0.8.1', '0.8.2', '0.9.0', '1.0.0', 'dev', ''].map(parallelBuildIsSafe),
      [false, false, false, true, true, true, false, false])
    if (t.engine !== 'postgres') return
    const seen = await withOwner(t.db, async (tx) => {
      await tx.query(`SET LOCAL max_parallel_maintenance_workers = 2`)
      await chooseBuildWorkers(tx)
      const { rows } = await tx.query(
        `SELECT (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS version,
                current_setting('max_parallel_maintenance_workers') AS workers,
                (SELECT option_value FROM pg_options_to_table(reloptions) WHERE option_name = 'parallel_workers') AS forced
         FROM pg_class WHERE oid = to_regclass('chunks')`)
      await tx.query(`ALTER TABLE chunks RESET (parallel_workers)`)
      return rows[0]
    })
    if (parallelBuildIsSafe(seen.version)) assert.deepEqual([seen.workers, seen.forced], ['2', '2'])
    else assert.deepEqual([seen.workers, seen.forced], ['0', null])
  })

  it('when another process is in a bulk load, then the start-up repair leaves the missing index to that load', {
    skip: serverUrl ? false : 'embedded PGlite serves one process, so no other can be loading',
  }, async () => {
    const other = await t.db.ownerPool.connect()
    try {
      await other.query('SELECT pg_advisory_lock_shared($1)', [0x484e5357])
      await withOwner(t.db, (tx) => tx.query(`DROP INDEX ${INTERNAL_INDEX}`))
      const messages: string[] = []
      assert.equal(await ensureVectorIndex(t.db, { log: (m) => messages.push(m) }), false)
      assert.equal(await vectorIndexState(t.db), 'missing')
      assert.match(messages.join('\n'), /a bulk load is running/)
    } finally {
      await other.query('SELECT pg_advisory_unlock_shared($1)', [0x484e5357])
      other.release()
    }
    assert.equal(await ensureVectorIndex(t.db), true)
    assert.equal(await vectorIndexState(t.db), 'valid')
  })
})

async function pgvectorVersion(t: TestDatabase): Promise<string | null> {
  const { rows } = await withOwner(t.db, (tx) => tx.query(`SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'`))
  return rows[0]?.v ?? null
}
