import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type pg from 'pg'

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations')
// Advisory locks are per database, so two servers starting against one database serialize here.
const MIGRATION_LOCK_KEY = 0x5354524e // "STRN"

export interface Migration {
  version: number
  name: string
  sql: string
  checksum: string
}

/** Raised when a migration fails or an applied migration's file was edited after the fact (forward-only). */
export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'MigrationError'
  }
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = fs.readdirSync(dir).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort()
  return files.map((file) => {
    const sql = fs.readFileSync(path.join(dir, file), 'utf8')
    return {
      version: Number(file.slice(0, 4)),
      name: file.replace(/\.sql$/, ''),
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    }
  })
}

/**
 * Applies pending migrations in order, each in its own transaction together with its record in schema_migrations,
 * so a failing migration leaves nothing behind. A small runner rather than a library: node-pg-migrate and
 * postgrator both assume a real TCP session per migration or their own file conventions, and this runner must
 * behave the same on PGlite's single session and on a server (README, "Migrations").
 */
export async function migrate(ownerPool: pg.Pool, dir = MIGRATIONS_DIR): Promise<{ applied: string[] }> {
  const migrations = readMigrations(dir)
  const client = await ownerPool.connect()
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
    // The bookkeeping table is not tenant data: it describes the schema of the whole database.
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`)
    const done = new Map<number, string>(
      (await client.query<{ version: number; checksum: string }>('SELECT version, checksum FROM schema_migrations'))
        .rows.map((r) => [r.version, r.checksum]),
    )
    const applied: string[] = []
    for (const m of migrations) {
      const recorded = done.get(m.version)
      if (recorded !== undefined) {
        if (recorded !== m.checksum) {
          throw new MigrationError(`migration ${m.name} was changed after it was applied; add a new migration instead`)
        }
        continue
      }
      try {
        await client.query('BEGIN')
        await client.query('SET LOCAL ROLE NONE')
        await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          m.checksum,
        ])
        await client.query(m.sql)
        await client.query('COMMIT')
        applied.push(m.name)
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined)
        throw new MigrationError(`migration ${m.name} failed: ${(err as Error).message}`, { cause: err })
      }
    }
    return { applied }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined)
    client.release()
  }
}

/** For /readyz: the database has every migration this build ships and no unknown newer one. */
export async function migrationStatus(pool: pg.Pool, dir = MIGRATIONS_DIR) {
  const expected = readMigrations(dir).map((m) => m.version)
  const { rows } = await pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')
  const applied = rows.map((r) => r.version)
  const pending = expected.filter((v) => !applied.includes(v))
  return { current: pending.length === 0, applied: applied.length, pending: pending.length }
}
