import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { loadConfig, type Config } from '../../server/config.ts'
import { openMigratedDatabase } from '../../server/db/bootstrap.ts'
import { openDatabase, type Database } from '../../server/db/pool.ts'

export interface TestDatabase {
  db: Database
  config: Config
  engine: 'pglite' | 'postgres'
  close(): Promise<void>
}

/** The engine under test: the PostgreSQL server when TEST_DATABASE_URL is set, else embedded PGlite. */
export const serverUrl = process.env.TEST_DATABASE_URL

export function testConfig(env: Record<string, string> = {}): Config {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-test-'))
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, ...env })
}

/**
 * A fresh database per test file: a new PGlite directory, or a new database on the server (dropped afterwards).
 * `migrated: false` gives an empty database for migration-runner tests.
 */
export async function openTestDatabase(opts: { migrated?: boolean; env?: Record<string, string> } = {}) {
  let dropDatabase = async () => undefined as void
  const env: Record<string, string> = { ...opts.env }
  if (serverUrl) {
    const name = `strongroom_t_${randomBytes(6).toString('hex')}`
    await adminQuery(`CREATE DATABASE ${name}`)
    const url = new URL(serverUrl)
    url.pathname = `/${name}`
    env.DATABASE_URL = url.toString()
    dropDatabase = () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  }
  const config = testConfig(env)
  const holder = 'a test'
  const db =
    opts.migrated === false
      ? await openDatabase({ ...config.database, dataDir: config.dataDir, holder })
      : await openMigratedDatabase(config, holder)
  const result: TestDatabase = {
    db,
    config,
    engine: db.engine,
    async close() {
      await db.close()
      await dropDatabase()
      fs.rmSync(config.dataDir, { recursive: true, force: true })
    },
  }
  return result
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}
