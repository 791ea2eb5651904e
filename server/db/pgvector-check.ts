import type pg from 'pg'

/**
 * First pgvector release whose parallel HNSW index build is safe. Releases 0.6.0 through 0.8.1 can overflow a buffer
 * while several workers build one HNSW graph (CVE-2026-3172, pgvector/pgvector#959): a user who can build an index
 * may read other relations' data or crash the server. Serial builds are not affected.
 */
export const PGVECTOR_SAFE_VERSION = '0.8.2'

export interface PgvectorStatus {
  /** Installed extension version, or the version CREATE EXTENSION would install; null when pgvector is absent. */
  version: string | null
  /** max_parallel_maintenance_workers as the schema-owner connection (migrations, index builds) sees it. */
  parallelMaintenanceWorkers: number
}

/** Raised at start in production when pgvector is unsafe for the way this database builds indexes. */
export class PgvectorUnsafeError extends Error {
  readonly code = 'pgvector_unsafe'
  constructor(message: string) {
    super(message)
    this.name = 'PgvectorUnsafeError'
  }
}

/**
 * Reads the status on `pool`, which must be the connection that builds indexes (the owner pool): its
 * max_parallel_maintenance_workers, including any ALTER DATABASE or ALTER ROLE setting, is what a build would use.
 * Before the first migration the extension is not installed yet, so the version it would install is reported.
 */
export async function readPgvectorStatus(pool: pg.Pool): Promise<PgvectorStatus> {
  const { rows } = await pool.query<{ version: string | null; workers: string }>(
    `SELECT coalesce((SELECT extversion FROM pg_extension WHERE extname = 'vector'),
                     (SELECT default_version FROM pg_available_extensions WHERE name = 'vector')) AS version,
            current_setting('max_parallel_maintenance_workers') AS workers`,
  )
  return { version: rows[0]?.version ?? null, parallelMaintenanceWorkers: Number(rows[0]?.workers ?? 0) }
}

/**
 * Why production must not start on this pgvector, or null when it may. Only production refuses: development and CI
 * machines commonly run distribution packages (Debian trixie ships 0.8.0), and their migrations build the index
 * serially anyway (migrations/0011). An absent extension is left to the migrations, which fail with their own error.
 */
export function pgvectorRefusal(status: PgvectorStatus, env: string): string | null {
  if (env !== 'production' || status.version === null) return null
  if (!isOlder(status.version, PGVECTOR_SAFE_VERSION) || status.parallelMaintenanceWorkers === 0) return null
  return (
    `pgvector ${status.version} is older than ${PGVECTOR_SAFE_VERSION}: its parallel HNSW index builds can overflow ` +
    `a buffer, leaking other tables' data or crashing the server (CVE-2026-3172), and this database allows ` +
    `${status.parallelMaintenanceWorkers} parallel maintenance workers. Upgrade pgvector to ${PGVECTOR_SAFE_VERSION} ` +
    `or later and run ALTER EXTENSION vector UPDATE, or disable parallel index builds with ` +
    `ALTER DATABASE <name> SET max_parallel_maintenance_workers = 0 (or in postgresql.conf) and start again.`
  )
}

/** Throws {@link PgvectorUnsafeError} when {@link pgvectorRefusal} refuses. */
export async function checkPgvector(ownerPool: pg.Pool, env: string): Promise<PgvectorStatus> {
  const status = await readPgvectorStatus(ownerPool)
  const refusal = pgvectorRefusal(status, env)
  if (refusal !== null) throw new PgvectorUnsafeError(refusal)
  return status
}

/**
 * Numeric comparison of dotted versions ("0.10.0" is newer than "0.8.2"). A suffix such as "-dev" or a missing part
 * counts as 0; a version that is not numeric at all counts as older, so an unreadable version is treated as unsafe.
 */
export function isOlder(version: string, than: string): boolean {
  const parse = (v: string) => v.split('.').map((p) => Number.parseInt(p, 10))
  const a = parse(version)
  const b = parse(than)
  if (Number.isNaN(a[0])) return true
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = Number.isNaN(a[i] ?? 0) ? 0 : (a[i] ?? 0)
    const y = b[i] ?? 0
    if (x !== y) return x < y
  }
  return false
}
