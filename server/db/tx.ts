import type pg from 'pg'
import type { Database } from './pool.ts'

export type Tx = pg.PoolClient

/**
 * The database roles a transaction may run as (migrations/0001). `app` reads under the access rule; `ingest` manages
 * document metadata and writes chunks but cannot read chunk text or transcripts; `worker` runs tenant-wide jobs
 * (purge, rewrap) and sees transcript metadata but no plaintext columns it does not need.
 */
export type DbRole = 'app' | 'ingest' | 'worker'
const ROLE_NAMES: Record<DbRole, string> = { app: 'strongroom_app', ingest: 'strongroom_ingest', worker: 'strongroom_worker' }

/** The attributes row-level security reads, set transaction-locally (never per session on a pooled connection). */
export interface AccessScope {
  tenantId: string
  userId: string
  /** Level of the principal's clearance, 0 (public) .. 3 (restricted). */
  clearance: number
  departments: readonly string[]
  /** `user:<id>` and `group:<name>` entries matched against document allow-lists. */
  principals: readonly string[]
}

export async function withTransaction<T>(pool: pg.Pool, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    const result = await fn(client)
    await client.query('COMMIT')
    return result
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw err
  } finally {
    client.release()
  }
}

/**
 * Transaction-local settings that are not about access, for a transaction that wants them: for example
 * `synchronous_commit: 'off'` for counters whose last milliseconds may be lost in a crash.
 */
export type LocalSettings = Readonly<Record<string, string>>

/** A transaction on behalf of a principal: row-level security sees exactly the principal's attributes. */
export function withPrincipal<T>(db: Database, scope: AccessScope, fn: (tx: Tx) => Promise<T>, role: DbRole = 'app', extra: LocalSettings = {}) {
  return withTransaction(db.pool, async (tx) => {
    await setLocal(tx, role, {
      ...extra,
      'strongroom.tenant_id': scope.tenantId,
      'strongroom.user_id': scope.userId,
      'strongroom.clearance': String(scope.clearance),
      'strongroom.departments': toPgArray(scope.departments),
      'strongroom.principals': toPgArray(scope.principals),
    })
    return fn(tx)
  })
}

/** A tenant-wide transaction without a user: ingest, purge, key management. */
export function withTenant<T>(db: Database, tenantId: string, role: DbRole, fn: (tx: Tx) => Promise<T>) {
  return withTransaction(db.pool, async (tx) => {
    await setLocal(tx, role, { 'strongroom.tenant_id': tenantId })
    return fn(tx)
  })
}

/**
 * Assumes the role and sets the settings for the rest of the transaction in one round trip. set_config(..., true) is
 * SET LOCAL, and the role is a setting like the others (set_config('role', ...) is SET LOCAL ROLE, with the same
 * membership check); it comes first so that a role that cannot be assumed fails before anything else is set.
 */
async function setLocal(tx: Tx, role: DbRole, settings: LocalSettings): Promise<void> {
  const entries: Array<[string, string]> = [['role', ROLE_NAMES[role]], ...Object.entries(settings)]
  const calls = entries.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`)
  await tx.query(`SELECT ${calls.join(', ')}`, entries.flat())
}

/** Schema-owner transaction for migrations, maintenance and test fixtures. Never used on a request path. */
export function withOwner<T>(db: Database, fn: (tx: Tx) => Promise<T>) {
  return withTransaction(db.ownerPool, async (tx) => {
    await tx.query('SET LOCAL ROLE NONE')
    return fn(tx)
  })
}

/** Renders a text[] literal; values are quoted and escaped so that commas or braces in names cannot split them. */
export function toPgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`
}
