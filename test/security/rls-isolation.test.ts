import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { withOwner, withPrincipal, withTenant, type AccessScope } from '../../server/db/tx.ts'
import { openTestDatabase, type TestDatabase } from '../helpers/test-db.ts'

const acme: AccessScope = { tenantId: 'acme', userId: 'alice', clearance: 3, departments: ['engineering'], principals: ['user:alice'] }
const globex: AccessScope = { ...acme, tenantId: 'globex', userId: 'dave' }

async function seed(t: TestDatabase) {
  await withOwner(t.db, async (tx) => {
    await tx.query(`INSERT INTO tenants (tenant_id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')`)
    for (const tenant of ['acme', 'globex']) {
      await tx.query(
        `INSERT INTO documents (tenant_id, document_id, title, source, content_hash, format, byte_size, classification, created_by)
         VALUES ($1, gen_random_uuid(), $2, $2, 'h', 'text', 1, 0, 'test')`,
        [tenant, `${tenant}-doc`],
      )
      await tx.query(
        `INSERT INTO conversations (tenant_id, user_id, key_version) VALUES ($1, $2, 1)`,
        [tenant, tenant === 'acme' ? 'alice' : 'dave'],
      )
    }
  })
}

describe('row-level security', () => {
  let t: TestDatabase
  before(async () => {
    t = await openTestDatabase()
    await seed(t)
  })
  after(() => t.close())

  it('when the application pool queries without settings, then it sees no rows at all', async () => {
    for (const table of ['tenants', 'documents', 'chunks', 'conversations', 'messages', 'tenant_keys', 'audit_log']) {
      const { rows } = await t.db.pool.query(`SELECT count(*)::int AS n FROM ${table}`)
      assert.equal(rows[0].n, 0, table)
    }
  })

  it('when acme principal reads, then it sees acme rows only and never globex rows', async () => {
    const rows = await withPrincipal(t.db, acme, async (tx) => (await tx.query('SELECT tenant_id FROM documents')).rows)
    assert.deepEqual(rows.map((r) => r.tenant_id), ['acme'])
    const g = await withPrincipal(t.db, globex, async (tx) => (await tx.query('SELECT tenant_id FROM documents')).rows)
    assert.deepEqual(g.map((r) => r.tenant_id), ['globex'])
  })

  it('when a query names another tenant explicitly, then RLS still returns nothing', async () => {
    const { rows } = await withPrincipal(t.db, acme, (tx) =>
      tx.query(`SELECT * FROM documents WHERE tenant_id = 'globex'`),
    )
    assert.equal(rows.length, 0)
  })

  it('when an acme principal inserts a globex row, then the write is refused', async () => {
    await assert.rejects(
      withPrincipal(t.db, acme, (tx) =>
        tx.query(`INSERT INTO conversations (tenant_id, user_id, key_version) VALUES ('globex', 'alice', 1)`),
      ),
      /row-level security/,
    )
  })

  it('when another user of the same tenant reads conversations, then the owner’s are invisible', async () => {
    const bob = { ...acme, userId: 'bob', principals: ['user:bob'] }
    const { rows } = await withPrincipal(t.db, bob, (tx) => tx.query('SELECT * FROM conversations'))
    assert.equal(rows.length, 0)
  })

  it('when the ingest role reads chunk text, then permission is denied', async () => {
    await assert.rejects(withTenant(t.db, 'acme', 'ingest', (tx) => tx.query('SELECT text FROM chunks')), /permission denied/)
  })

  it('when the ingest role reads transcripts, then permission is denied', async () => {
    await assert.rejects(withTenant(t.db, 'acme', 'ingest', (tx) => tx.query('SELECT * FROM messages')), /permission denied/)
  })

  it('when the application role is inspected, then it is no superuser, cannot bypass RLS and owns no table', async () => {
    const { rows } = await withOwner(t.db, (tx) =>
      tx.query(`SELECT r.rolname, r.rolsuper, r.rolbypassrls, r.rolcanlogin,
                       (SELECT count(*)::int FROM pg_tables WHERE tableowner = r.rolname) AS owned
                  FROM pg_roles r WHERE r.rolname LIKE 'strongroom\\_%'`),
    )
    assert.deepEqual(rows.map((r) => r.rolname).sort(), [
      'strongroom_app', 'strongroom_auditor', 'strongroom_ingest', 'strongroom_maintenance', 'strongroom_text_search',
      'strongroom_worker',
    ])
    for (const r of rows) {
      assert.equal(r.rolsuper, false, r.rolname)
      assert.equal(r.rolbypassrls, false, r.rolname)
      assert.equal(r.rolcanlogin, false, r.rolname)
      assert.equal(r.owned, 0, r.rolname)
    }
    const who = await t.db.pool.query('SELECT current_user AS u')
    assert.equal(who.rows[0].u, 'strongroom_app')
  })

  it('when a principal transaction ends, then its settings do not leak into the pooled connection', async () => {
    await withPrincipal(t.db, acme, async () => undefined)
    const { rows } = await t.db.pool.query(`SELECT current_setting('strongroom.tenant_id', true) AS t`)
    assert.ok(rows[0].t === null || rows[0].t === '', 'transaction-local setting leaked into the session')
    const docs = await t.db.pool.query('SELECT count(*)::int AS n FROM documents')
    assert.equal(docs.rows[0].n, 0)
  })
})
