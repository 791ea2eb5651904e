import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { acquireEmbeddedLock, type EmbeddedLock } from './embedded-lock.ts'

/** The role every application connection assumes. Owner of nothing, no BYPASSRLS (migrations/0001). */
export const APP_ROLE = 'strongroom_app'

export interface Database {
  readonly engine: 'pglite' | 'postgres'
  /** Application pool: every connection runs as APP_ROLE, so a query outside a principal transaction sees nothing. */
  readonly pool: pg.Pool
  /**
   * Pool for counters whose last milliseconds may be lost in a database crash (rate limits): runs as APP_ROLE, and its
   * commits do not wait for the WAL flush, the largest fixed cost of a one-statement write. Never for business data.
   */
  readonly counterPool: pg.Pool
  /** Pool for the schema owner: migrations and maintenance only. */
  readonly ownerPool: pg.Pool
  /** Called once migrations have created the roles: from then on the app pool runs as APP_ROLE. */
  enableAppRole(): Promise<void>
  close(): Promise<void>
}

export interface DatabaseOptions {
  url: string | undefined
  migrationUrl: string | undefined
  poolMax: number
  dataDir: string
  /** Embedded only: who holds the data directory, shown to a second process that tries to open it. */
  holder: string
}

/**
 * Opens PostgreSQL (DATABASE_URL) or embedded PGlite persisted in DATA_DIR/pglite. Embedded PGlite serves exactly one
 * process, so opening it takes an exclusive lock on the data directory; a second process gets a clear error.
 */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) return openServer(opts.url, opts.migrationUrl ?? opts.url, opts.poolMax)
  return openEmbedded(opts.dataDir, opts.holder)
}

function openServer(url: string, migrationUrl: string, poolMax: number): Database {
  // Three: a bulk load holds one for its advisory lock while it builds two level indexes at once (ingest/vector-index.ts).
  const ownerPool = new pg.Pool({ connectionString: migrationUrl, max: 3, connectionTimeoutMillis: 10_000 })
  // The role is a startup parameter, not a hook: a connection that cannot assume it fails instead of running as
  // the login user. A session-level role is the same for every checkout, so pooling stays safe.
  let pool = new pg.Pool({ connectionString: url, max: poolMax, connectionTimeoutMillis: 10_000 })
  let counterPool = pool
  // An idle client that loses its server must not crash the process; the next checkout reconnects.
  pool.on('error', () => undefined)
  ownerPool.on('error', () => undefined)
  return {
    engine: 'postgres',
    get pool() {
      return pool
    },
    get counterPool() {
      return counterPool
    },
    ownerPool,
    async enableAppRole() {
      await pool.end()
      pool = new pg.Pool({
        connectionString: url,
        max: poolMax,
        connectionTimeoutMillis: 10_000,
        options: `-c role=${APP_ROLE}`,
      })
      pool.on('error', () => undefined)
      counterPool = new pg.Pool({
        connectionString: url,
        max: Math.max(2, Math.ceil(poolMax / 4)),
        connectionTimeoutMillis: 10_000,
        options: `-c role=${APP_ROLE} -c synchronous_commit=off`,
      })
      counterPool.on('error', () => undefined)
    },
    async close() {
      await Promise.allSettled([pool.end(), ownerPool.end(), ...(counterPool === pool ? [] : [counterPool.end()])])
    },
  }
}

async function openEmbedded(dataDir: string, holder: string): Promise<Database> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  const lock: EmbeddedLock = await acquireEmbeddedLock(dataDir, holder)
  try {
    const [{ PGlite }, { vector }, { createPgConfig }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite-pgvector'),
      import('@electric-sql/pglite/node-postgres'),
    ])
    const dbDir = path.join(dataDir, 'pglite')
    const pglite = await PGlite.create(dbDir, { extensions: { vector } })
    // PGlite is one backend: both pools share its single session, used one transaction at a time (poolSize 1).
    const ownerPool = new pg.Pool(createPgConfig(pglite) as pg.PoolConfig)
    const pool = new pg.Pool(createPgConfig(pglite) as pg.PoolConfig)
    return {
      engine: 'pglite',
      pool,
      // One in-process backend without a WAL flush to skip: counters share the application pool.
      counterPool: pool,
      ownerPool,
      async enableAppRole() {
        // One shared session: owner work opts out per transaction with SET LOCAL ROLE NONE (tx.ts withOwner).
        await pool.query(`SET ROLE ${APP_ROLE}`)
      },
      async close() {
        await Promise.allSettled([pool.end(), ownerPool.end()])
        await pglite.close()
        await lock.release()
      },
    }
  } catch (err) {
    await lock.release()
    throw err
  }
}
