import pg from 'pg'
import { loadConfig } from '../../server/config.ts'
import { dropVectorIndex, ensureVectorIndex } from '../../ingest/vector-index.ts'
import { openMigratedDatabase } from '../../server/db/bootstrap.ts'
import type { Database } from '../../server/db/pool.ts'
import { isOlder, PGVECTOR_SAFE_VERSION, readPgvectorStatus } from '../../server/db/pgvector-check.ts'
import { withOwner } from '../../server/db/tx.ts'
import { loadSyntheticCorpus } from '../helpers/corpus-loader.ts'
import { insertDocuments, vectorLiteral } from '../helpers/seed-chunks.ts'
import { baitDocuments, TENANT, type CorpusSpec } from '../helpers/synthetic-corpus.ts'

/**
 * Creates (or reuses) the benchmark database on the PostgreSQL server and loads the synthetic corpus into it.
 * The corpus is keyed by its spec: a database already holding the same spec is reused, so tuning runs skip the
 * load. The HNSW indexes are dropped during the load and built once afterwards, which is several times faster than
 * maintaining them row by row; the builds get a generous maintenance_work_mem so each graph fits in memory.
 */
export async function openBenchDatabase(adminUrl: string, name: string): Promise<Database> {
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (!rowCount) await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: url.toString(), DATABASE_POOL_MAX: '2' })
  return openMigratedDatabase(config, 'the retrieval benchmark')
}

/** Enough for in-memory builds of the largest level at 1M chunks, two at a time. */
const BUILD_MEMORY_MB = 4096

export async function loadCorpus(
  db: Database,
  spec: CorpusSpec,
  qs: ReadonlyArray<{ embedding: Float32Array }>,
  log: (line: string) => void,
): Promise<{ key: string; reused: boolean; loadSeconds: number; indexSeconds: number }> {
  const specKey = JSON.stringify({ generator: 7, ...spec, queries: qs.length, bait: vectorLiteral(qs[0]?.embedding ?? []).slice(0, 40) })
  const current: string | undefined = await withOwner(db, async (tx) =>
    (await tx.query(`SELECT settings->>'bench' AS key FROM tenants WHERE tenant_id = $1`, [TENANT])).rows[0]?.key,
  )
  // The stored key names this very load (chunk ids are random), so tables copied from it (the LangChain store) can
  // tell a reload of the same spec from the load they were copied from.
  if (current?.startsWith(`${specKey}#`)) return { key: current, reused: true, loadSeconds: 0, indexSeconds: 0 }
  const key = `${specKey}#${new Date().toISOString()}`
  const started = Date.now()
  await withOwner(db, async (tx) => {
    await tx.query(`DELETE FROM chunks; DELETE FROM documents; DELETE FROM tenants WHERE tenant_id IN ('bench', 'rival')`)
    await tx.query('DROP INDEX IF EXISTS chunks_tsv_idx')
  })
  await dropVectorIndex(db)
  const loaded = await loadSyntheticCorpus(db, spec, {
    onProgress: (n) => {
      if (n % 100_000 < 5000) log(`loaded ${n} chunks`)
    },
  })
  await withOwner(db, (tx) => insertDocuments(tx, baitDocuments(qs)))
  const loadSeconds = (Date.now() - started) / 1000
  log(`building the HNSW indexes over ${loaded} chunks`)
  const indexStarted = Date.now()
  // The definitions of migrations/0015 and 0018, built as a bulk ingest builds them: m 16, and ef_construction 64, or
  // 200 for a level of LARGE_LEVEL_CHUNKS or more (ingest/vector-index-definition.ts).
  await ensureVectorIndex(db, { maxMemoryMb: BUILD_MEMORY_MB, log })
  const client = await db.ownerPool.connect()
  try {
    await client.query(`SET maintenance_work_mem = '1GB'`)
    await client.query('CREATE INDEX chunks_tsv_idx ON chunks USING gin (tsv)')
    await client.query('VACUUM ANALYZE chunks')
    await client.query('VACUUM ANALYZE documents')
  } finally {
    client.release()
  }
  const indexSeconds = (Date.now() - indexStarted) / 1000
  await withOwner(db, (tx) => tx.query(`UPDATE tenants SET settings = jsonb_build_object('bench', $2::text) WHERE tenant_id = $1`, [TENANT, key]))
  return { key, reused: false, loadSeconds, indexSeconds }
}

/**
 * Parallel workers for HNSW builds: one helper on pgvector 0.8.2 and later, none before (parallel HNSW builds in
 * 0.6.0 to 0.8.1 can overflow a buffer, CVE-2026-3172; server/db/pgvector-check.ts).
 */
export async function safeBuildWorkers(db: Database): Promise<number> {
  const { version } = await readPgvectorStatus(db.ownerPool)
  return version !== null && !isOlder(version, PGVECTOR_SAFE_VERSION) ? 1 : 0
}
