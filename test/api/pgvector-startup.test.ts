import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { describe, it } from 'node:test'
import pg from 'pg'
import type { Config } from '../../server/config.ts'
import { openMigratedDatabase } from '../../server/db/bootstrap.ts'
import { isOlder, PGVECTOR_SAFE_VERSION, PgvectorUnsafeError, readPgvectorStatus } from '../../server/db/pgvector-check.ts'
import { serverUrl, testConfig } from '../helpers/test-db.ts'

/** A complete test configuration that claims production, so start-up applies the production checks. */
const production = (env: Record<string, string> = {}): Config => ({ ...testConfig(env), env: 'production' })

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await client.query(sql)
  } finally {
    await client.end()
  }
}

describe('pgvector version check at start-up (the real extension)', () => {
  it('when a server database allows parallel index builds, then production refuses pgvector below 0.8.2 before migrating, and starts once they are disabled', { skip: serverUrl ? false : 'needs TEST_DATABASE_URL' }, async () => {
    const admin = serverUrl as string
    const name = `strongroom_t_${randomBytes(6).toString('hex')}`
    await query(admin, `CREATE DATABASE ${name}`)
    const url = new URL(admin)
    url.pathname = `/${name}`
    const config = production({ DATABASE_URL: url.toString() })
    try {
      await query(admin, `ALTER DATABASE ${name} SET max_parallel_maintenance_workers = 2`)
      const probe = new pg.Pool({ connectionString: url.toString(), max: 1 })
      const status = await readPgvectorStatus(probe).finally(() => probe.end())
      assert.equal(status.parallelMaintenanceWorkers, 2)
      assert.ok(status.version, 'pgvector is available on the server')
      if (isOlder(status.version, PGVECTOR_SAFE_VERSION)) {
        await assert.rejects(openMigratedDatabase(config, 'a test'), (err: unknown) => {
          assert.ok(err instanceof PgvectorUnsafeError)
          assert.equal(err.code, 'pgvector_unsafe')
          assert.match(err.message, /older than 0\.8\.2.*allows 2 parallel maintenance workers.*max_parallel_maintenance_workers = 0/)
          return true
        })
        const { rows } = await query(url.toString(), `SELECT to_regclass('public.schema_migrations') AS t`)
        assert.equal(rows[0].t, null, 'no migration ran before the refusal')
      } else {
        await (await openMigratedDatabase(config, 'a test')).close()
      }
      await query(admin, `ALTER DATABASE ${name} SET max_parallel_maintenance_workers = 0`)
      const db = await openMigratedDatabase(config, 'a test')
      await db.close()
    } finally {
      await query(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      fs.rmSync(config.dataDir, { recursive: true, force: true })
    }
  })

  it('when embedded PGlite starts in production, then its pgvector passes the check', { skip: serverUrl ? 'the embedded engine is covered in the PGlite run' : false }, async () => {
    const config = production()
    try {
      const db = await openMigratedDatabase(config, 'a test')
      const status = await readPgvectorStatus(db.ownerPool).finally(() => db.close())
      assert.ok(status.version)
      assert.ok(!isOlder(status.version, PGVECTOR_SAFE_VERSION) || status.parallelMaintenanceWorkers === 0, JSON.stringify(status))
    } finally {
      fs.rmSync(config.dataDir, { recursive: true, force: true })
    }
  })
})
