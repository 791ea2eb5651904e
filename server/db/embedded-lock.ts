import fs from 'node:fs'
import path from 'node:path'
import lockfile from 'proper-lockfile'

export interface EmbeddedLock {
  release(): Promise<void>
}

/** Raised when another process (usually the running server) holds the embedded database. */
export class EmbeddedDatabaseBusyError extends Error {
  readonly code = 'embedded_database_busy'
  constructor(dataDir: string, holder: string) {
    super(
      `the embedded database in ${dataDir} is in use by ${holder}. Embedded PGlite serves one process: stop the ` +
        `server and run this command again, use the admin API or web console while it runs, or set DATABASE_URL ` +
        `to a PostgreSQL server so that several processes can share it.`,
    )
    this.name = 'EmbeddedDatabaseBusyError'
  }
}

/**
 * Exclusive lock on DATA_DIR for the process that opens PGlite (proper-lockfile: atomic mkdir, refreshed mtime,
 * stale after the holder dies). Two processes opening the same PGlite directory would corrupt it.
 */
export async function acquireEmbeddedLock(dataDir: string, holder: string): Promise<EmbeddedLock> {
  const target = path.join(dataDir, 'pglite.lock-target')
  const infoFile = path.join(dataDir, 'pglite.holder')
  if (!fs.existsSync(target)) fs.writeFileSync(target, '', { mode: 0o600 })
  let releaseLock: () => Promise<void>
  try {
    releaseLock = await lockfile.lock(target, { stale: 15_000, update: 5_000, realpath: false })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') {
      const current = fs.existsSync(infoFile) ? fs.readFileSync(infoFile, 'utf8').trim() : 'another process'
      throw new EmbeddedDatabaseBusyError(dataDir, current || 'another process')
    }
    throw err
  }
  fs.writeFileSync(infoFile, `${holder} (pid ${process.pid})`, { mode: 0o600 })
  return {
    async release() {
      fs.rmSync(infoFile, { force: true })
      await releaseLock().catch(() => undefined)
    },
  }
}
