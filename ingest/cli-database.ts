import type { Config } from '../server/config.ts'
import { openMigratedDatabase } from '../server/db/bootstrap.ts'
import { EmbeddedDatabaseBusyError } from '../server/db/embedded-lock.ts'
import type { Database } from '../server/db/pool.ts'

/**
 * Opens and migrates the database for the command `who` (for example 'npm run ingest'), or writes why it cannot to
 * stderr after `prefix` and returns the exit code: 3 when a running server holds the embedded database, else 1.
 */
export async function openCliDatabase(config: Config, who: string, prefix: string): Promise<Database | number> {
  try {
    return await openMigratedDatabase(config, who)
  } catch (err) {
    process.stderr.write(`${prefix}: ${(err as Error).message}\n`)
    return err instanceof EmbeddedDatabaseBusyError ? 3 : 1
  }
}
