import type { Tx } from '../server/db/tx.ts'

/** First pgvector release whose parallel HNSW build is safe (CVE-2026-3172, pgvector/pgvector#959). */
const PARALLEL_BUILD_SAFE_FROM = [0, 8, 2]

/**
 * Decides the build's parallelism inside its transaction. pgvector 0.6.0 to 0.8.1 can overflow a buffer when several
 * workers build one HNSW graph (CVE-2026-3172: a leak of other relations' data or a server crash), so on those the
 * build is serial, whatever the server allows. From 0.8.2 on it uses every maintenance worker the server allows:
 * the server sizes a parallel build by the heap alone and runs a table of a few thousand chunks (under 8 MB,
 * min_parallel_table_scan_size) on one process although the graph build is CPU-bound, and the documented override is
 * the table's parallel_workers. That is set only inside this transaction and put back as it was before COMMIT, so no
 * other session ever plans with it. Returns the previous parallel_workers (null: unset), or undefined if untouched.
 */
export async function chooseBuildWorkers(tx: Tx): Promise<number | null | undefined> {
  const { rows } = await tx.query<{ version: string | null; previous: string | null; workers: number }>(
    `SELECT (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS version,
            (SELECT option_value FROM pg_options_to_table(c.reloptions) WHERE option_name = 'parallel_workers') AS previous,
            current_setting('max_parallel_maintenance_workers')::int AS workers
     FROM pg_class c WHERE c.oid = to_regclass('chunks')`,
  )
  const row = rows[0]
  if (!row || row.workers < 1) return undefined
  if (!parallelBuildIsSafe(row.version)) {
    await tx.query(`SELECT set_config('max_parallel_maintenance_workers', '0', true)`)
    return undefined
  }
  await tx.query(`ALTER TABLE chunks SET (parallel_workers = ${Number(row.workers)})`)
  return row.previous === null ? null : Number(row.previous)
}

/** Whether pgvector `version` (for example "0.8.0") builds HNSW indexes safely in parallel. Unknown: no. */
export function parallelBuildIsSafe(version: string | null): boolean {
  const parts = /^(\d+)\.(\d+)\.(\d+)/.exec(version ?? '')?.slice(1).map(Number)
  if (!parts) return false
  for (let i = 0; i < 3; i++) {
    if ((parts[i] as number) !== PARALLEL_BUILD_SAFE_FROM[i]) return (parts[i] as number) > (PARALLEL_BUILD_SAFE_FROM[i] as number)
  }
  return true
}
