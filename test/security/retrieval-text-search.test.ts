import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { withOwner, withPrincipal, withTenant, withTransaction, type Tx } from '../../server/db/tx.ts'
import { canSee, scopeOf } from '../../server/policy/rule.ts'
import { canaryMatrix, seedCanaries, type Canary } from '../helpers/canary-corpus.ts'
import { PRINCIPAL_NAMES, PRINCIPALS } from '../helpers/principals.ts'
import { openTestDatabase, type TestDatabase } from '../helpers/test-db.ts'

// search_chunk_text() (migrations/0011) is SECURITY DEFINER: these tests show it returns nothing a principal's RLS
// settings would not allow, whatever its caller passes or leaves unset.
const canaries = canaryMatrix()
const EVERY_TOKEN = canaries.map((c) => c.token).join(' OR ')
const search = async (tx: Tx, text = EVERY_TOKEN, limit = 1000) =>
  (await tx.query<{ chunk_id: string }>('SELECT chunk_id FROM search_chunk_text($1, $2)', [text, limit])).rows
    .map((r) => r.chunk_id).sort()
const codeOf = async (p: Promise<unknown>) => p.then(() => 'no error', (err: { code?: string }) => err.code)

describe('full-text search function under the access rule', () => {
  let t: TestDatabase
  before(async () => {
    t = await openTestDatabase()
    await seedCanaries(t.db, canaries)
  })
  after(() => t.close())

  it('when each demo principal searches every canary token, then it returns exactly the chunks canSee allows', async () => {
    for (const name of PRINCIPAL_NAMES) {
      const subject = PRINCIPALS[name]
      const expected = canaries.filter((c) => canSee(subject, c.resource)).map((c) => c.chunkId).sort()
      assert.ok(expected.length > 0, name)
      assert.deepEqual(await withPrincipal(t.db, scopeOf(subject), (tx) => search(tx)), expected, name)
    }
  })

  it('when the transaction-local settings are unset, partial or left empty by an earlier transaction, then it returns nothing', async () => {
    const alice = scopeOf(PRINCIPALS.alice)
    assert.deepEqual(await withTransaction(t.db.pool, (tx) => search(tx)), [])
    assert.deepEqual(await withTransaction(t.db.pool, async (tx) => {
      await tx.query(`SELECT set_config('strongroom.tenant_id', 'acme', true)`)
      return search(tx)
    }), [])
    assert.ok((await withPrincipal(t.db, alice, (tx) => search(tx))).length > 0)
    // The settings were transaction-local: the next transaction on the pool sees them empty, not alice's.
    assert.deepEqual(await withTransaction(t.db.pool, (tx) => search(tx)), [])
  })

  it('when a caller passes forged attributes as extra or named arguments, then PostgreSQL refuses the call', async () => {
    const attempts = [
      `SELECT * FROM search_chunk_text($1, 10, 'globex')`,
      `SELECT * FROM search_chunk_text(p_query => $1, p_limit => 10, p_tenant => 'globex')`,
      `SELECT * FROM search_chunk_text($1, 10, 3, '{hr}'::text[])`,
    ]
    for (const sql of attempts) {
      const code = await codeOf(withPrincipal(t.db, scopeOf(PRINCIPALS.mallory), (tx) => tx.query(sql, [EVERY_TOKEN])))
      assert.equal(code, '42883', sql)
    }
  })

  it('when the caller shadows chunks with a temporary table and moves pg_temp first, then the pinned search_path ignores it', async () => {
    const mallory = PRINCIPALS.mallory
    const expected = canaries.filter((c) => canSee(mallory, c.resource)).map((c) => c.chunkId).sort()
    const forbidden = (canaries.find((c) => !canSee(mallory, c.resource)) as Canary).chunkId
    const got = await withPrincipal(t.db, scopeOf(mallory), async (tx) => {
      await tx.query(`CREATE TEMP TABLE chunks ON COMMIT DROP AS
        SELECT $1::uuid AS chunk_id, 'acme'::text AS tenant_id, to_tsvector('english', $2) AS tsv, 0::smallint AS classification,
               '{}'::text[] AS departments, '{}'::text[] AS allowed_principals, false AS quarantined`, [forbidden, EVERY_TOKEN])
      await tx.query(`SET LOCAL search_path = pg_temp, public`)
      return search(tx)
    })
    assert.deepEqual(got, expected)
  })

  it('when a setting holds a value that is not a valid attribute, then the call fails instead of returning rows', async () => {
    const code = await codeOf(withTransaction(t.db.pool, async (tx) => {
      await tx.query(`SELECT set_config('strongroom.tenant_id', 'acme', true), set_config('strongroom.clearance', '3 OR true', true)`)
      return search(tx)
    }))
    assert.equal(code, '22P02')
  })

  it('when the limit is negative or absurdly large, then it is clamped instead of failing or widening', async () => {
    const scope = scopeOf(PRINCIPALS.carol)
    assert.deepEqual(await withPrincipal(t.db, scope, (tx) => search(tx, EVERY_TOKEN, -5)), [])
    const all = await withPrincipal(t.db, scope, (tx) => search(tx, EVERY_TOKEN, 2_000_000_000))
    assert.deepEqual(all, canaries.filter((c) => canSee(PRINCIPALS.carol, c.resource)).map((c) => c.chunkId).sort())
  })

  it('when another application role calls it, then permission is denied', async () => {
    for (const role of ['ingest', 'worker'] as const) {
      const code = await codeOf(withTenant(t.db, 'acme', role, (tx) => search(tx)))
      assert.equal(code, '42501', role)
    }
  })

  it('when its definition is inspected, then it is a definer function with a pinned path, owned by a powerless role the app is no member of', async () => {
    const facts = await withOwner(t.db, async (tx) => (await tx.query(
      `SELECT p.prosecdef, p.proconfig, r.rolname, r.rolcanlogin, r.rolsuper, r.rolbypassrls,
              has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute,
              pg_has_role('strongroom_app', r.oid, 'MEMBER') AS app_is_member,
              has_column_privilege(r.oid, 'public.chunks'::regclass, 'text', 'SELECT') AS reads_text,
              has_column_privilege(r.oid, 'public.chunks'::regclass, 'embedding', 'SELECT') AS reads_embedding
       FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner WHERE p.oid = 'public.search_chunk_text(text, integer)'::regprocedure`,
    )).rows[0])
    assert.deepEqual(facts, {
      prosecdef: true, proconfig: ['search_path=pg_catalog, pg_temp'], rolname: 'strongroom_text_search',
      rolcanlogin: false, rolsuper: false, rolbypassrls: false, public_execute: false, app_is_member: false,
      reads_text: false, reads_embedding: false,
    })
  })

  it('when planned, then the application role cannot use the text index under RLS but the function owner can', async () => {
    const plan = (role: string) => withOwner(t.db, async (tx) => {
      await tx.query(`SET LOCAL ROLE ${role}`)
      await tx.query(`SELECT set_config('strongroom.tenant_id', 'acme', true), set_config('strongroom.clearance', '3', true)`)
      await tx.query('SET LOCAL enable_seqscan = off')
      const { rows } = await tx.query(
        `EXPLAIN SELECT chunk_id FROM public.chunks WHERE tsv @@ websearch_to_tsquery('english', $1)`,
        [(canaries[0] as Canary).token],
      )
      return rows.map((r) => r['QUERY PLAN']).join('\n')
    })
    assert.doesNotMatch(await plan('strongroom_app'), /chunks_tsv_idx/)
    assert.match(await plan('strongroom_text_search'), /Bitmap Index Scan on chunks_tsv_idx/)
  })
})
