import type { Database } from '../db/pool.ts'

/** Advisory-lock key of the purge (two-int form): "PURG", 1. */
const PURGE_LOCK = [0x50555247, 1] as const

/** Databases on which this process is running a purge. */
const running = new WeakSet<Database>()

export interface PurgeLock {
  release(): Promise<void>
}

/**
 * One purge at a time, or null if one is already running.
 *
 * PostgreSQL server: a session-level `pg_try_advisory_lock` on a connection checked out of the owner pool and held
 * for the whole run. The run is many short transactions, so a transaction-level lock could only cover it by keeping
 * one transaction open throughout; the session lock instead ends with pg_advisory_unlock, or with the connection if
 * the process dies, so a crash never leaves a stale lock (a lock table with an expiry would need heartbeats).
 *
 * Embedded PGlite: the data-directory lock (db/embedded-lock.ts) already makes this process the only one that can
 * open the database, and both pools share PGlite's single session, in which advisory locks are re-entrant and would
 * exclude nothing. The in-process flag below is the whole lock there. It also applies on a server, for two
 * schedulers in one process.
 */
export async function tryPurgeLock(db: Database): Promise<PurgeLock | null> {
  if (running.has(db)) return null
  running.add(db)
  if (db.engine === 'pglite') return { release: async () => void running.delete(db) }
  try {
    const client = await db.ownerPool.connect()
    let got = false
    try {
      const { rows } = await client.query('SELECT pg_try_advisory_lock($1::int, $2::int) AS ok', [...PURGE_LOCK])
      got = rows[0].ok === true
    } finally {
      if (!got) client.release()
    }
    if (!got) {
      running.delete(db)
      return null
    }
    return {
      async release() {
        try {
          await client.query('SELECT pg_advisory_unlock($1::int, $2::int)', [...PURGE_LOCK])
          client.release()
        } catch (err) {
          // Destroying the connection ends its session, which releases the lock on the server.
          client.release(err as Error)
        } finally {
          running.delete(db)
        }
      },
    }
  } catch (err) {
    running.delete(db)
    throw err
  }
}
