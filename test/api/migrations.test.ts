import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { migrate, MigrationError, readMigrations } from '../../server/db/migrate.ts'
import { withOwner } from '../../server/db/tx.ts'
import { openTestDatabase, type TestDatabase } from '../helpers/test-db.ts'

function migrationsDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-migrations-'))
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql)
  return dir
}

describe('migrations on the project schema', () => {
  let t: TestDatabase
  before(async () => {
    t = await openTestDatabase({ migrated: false })
  })
  after(() => t.close())

  it('when applied to an empty database, then every migration is recorded once', async () => {
    const first = await migrate(t.db.ownerPool)
    assert.deepEqual(first.applied, readMigrations().map((m) => m.name))
    const { rows } = await t.db.ownerPool.query('SELECT count(*)::int AS n FROM schema_migrations')
    assert.equal(rows[0].n, readMigrations().length)
  })

  it('when applied again, then nothing is applied (idempotent)', async () => {
    assert.deepEqual((await migrate(t.db.ownerPool)).applied, [])
  })

  it('when two runners start at once, then both finish and each migration is applied once', async () => {
    const [a, b] = await Promise.all([migrate(t.db.ownerPool), migrate(t.db.ownerPool)])
    assert.deepEqual([...a.applied, ...b.applied], [])
  })

  it('when the database is migrated, then RLS is enabled and forced on every tenant table', async () => {
    const { rows } = await withOwner(t.db, (tx) =>
      tx.query<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
        `SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id'
          JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public' WHERE c.relkind = 'r'`,
      ),
    )
    assert.ok(rows.length >= 10, `expected the tenant tables, found ${rows.map((r) => r.relname)}`)
    for (const r of rows) assert.ok(r.relrowsecurity && r.relforcerowsecurity, `${r.relname} lacks forced RLS`)
  })
})

describe('migration runner failure handling', () => {
  let t: TestDatabase
  before(async () => {
    t = await openTestDatabase({ migrated: false })
  })
  after(() => t.close())

  it('when a migration fails half-way, then nothing of it remains and later runs can retry', async () => {
    const dir = migrationsDir({
      '0001_ok.sql': 'CREATE TABLE runner_ok (id int);',
      '0002_broken.sql': 'CREATE TABLE runner_half (id int); SELECT no_such_function();',
    })
    await assert.rejects(migrate(t.db.ownerPool, dir), (err: unknown) => {
      assert.ok(err instanceof MigrationError)
      assert.match(err.message, /0002_broken failed/)
      return true
    })
    const { rows } = await t.db.ownerPool.query(
      `SELECT to_regclass('runner_ok') AS ok, to_regclass('runner_half') AS half,
              (SELECT array_agg(version) FROM schema_migrations) AS versions`,
    )
    assert.equal(rows[0].ok, 'runner_ok')
    assert.equal(rows[0].half, null)
    assert.deepEqual(rows[0].versions, [1])
  })

  it('when an applied migration file is edited, then the runner refuses to continue', async () => {
    const dir = migrationsDir({ '0001_ok.sql': 'CREATE TABLE runner_ok (id int, edited int);' })
    await assert.rejects(migrate(t.db.ownerPool, dir), /was changed after it was applied/)
  })
})
