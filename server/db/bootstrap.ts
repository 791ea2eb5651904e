import type { Config } from '../config.ts'
import { migrate } from './migrate.ts'
import { checkPgvector } from './pgvector-check.ts'
import { openDatabase, type Database } from './pool.ts'

/** Raised when the database cannot be reached at start; main.ts and the CLIs print it as one line. */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`cannot connect to the database: ${(cause as Error).message ?? String(cause)}`, { cause })
    this.name = 'DatabaseUnavailableError'
  }
}

/**
 * Opens the configured database, applies pending migrations and switches the application pool to its role. Every
 * process (server and CLIs) starts through here, so none can run against an out-of-date schema. In production an
 * unsafe pgvector is refused before any migration or index build runs (pgvector-check.ts).
 */
export async function openMigratedDatabase(config: Config, holder: string): Promise<Database> {
  const db = await openDatabase({ ...config.database, dataDir: config.dataDir, holder })
  try {
    try {
      await db.ownerPool.query('SELECT 1')
    } catch (err) {
      throw new DatabaseUnavailableError(err)
    }
    await checkPgvector(db.ownerPool, config.env)
    await migrate(db.ownerPool)
    await db.enableAppRole()
    return db
  } catch (err) {
    await db.close()
    throw err
  }
}
