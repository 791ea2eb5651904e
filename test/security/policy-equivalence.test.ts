import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { withOwner, withPrincipal } from '../../server/db/tx.ts'
import { CLASSIFICATIONS, levelOf } from '../../server/policy/levels.ts'
import { canSee, scopeOf, type Resource, type Subject } from '../../server/policy/rule.ts'
import { accessPredicate } from '../../server/policy/sql.ts'
import { insertDocuments, insertTenants, type SeedDocument } from '../helpers/seed-chunks.ts'
import { openTestDatabase, type TestDatabase } from '../helpers/test-db.ts'

// Small pools so that random principals and documents actually overlap; the odd names check that array
// literals in RLS settings and bound parameters cannot be split or escaped (commas, braces, quotes, backslashes).
const TENANTS = ['ta', 'tb', 'tc']
const DEPARTMENTS = ['eng', 'fin', 'hr', 'a,b', '{x}', 'q"t', 'back\\slash', 'café', 'ENG']
const NAMES = ['u1', 'u2', 'g1', 'a,b', 'q"t', 'Ü']
const ALLOW = [...NAMES.map((n) => `user:${n}`), ...NAMES.map((n) => `group:${n}`), 'u1', 'user:', 'group:']
const DOCUMENTS = 300
const PRINCIPAL_RUNS = 80
// One seed for documents and principals; fast-check prints it on failure, POLICY_SEED replays it.
const SEED = Number(process.env.POLICY_SEED ?? Date.now() % 2 ** 31)

const resourceArb: fc.Arbitrary<Resource> = fc.record({
  tenantId: fc.constantFrom(...TENANTS),
  classification: fc.constantFrom(...CLASSIFICATIONS),
  departments: fc.subarray(DEPARTMENTS, { maxLength: 3 }),
  allowedPrincipals: fc.oneof(fc.constant([]), fc.subarray(ALLOW, { minLength: 1, maxLength: 3 })),
  quarantined: fc.boolean(),
})

const subjectArb: fc.Arbitrary<Subject> = fc.record({
  userId: fc.constantFrom(...NAMES),
  tenantId: fc.constantFrom(...TENANTS),
  clearance: fc.constantFrom(...CLASSIFICATIONS),
  departments: fc.subarray(DEPARTMENTS, { maxLength: 4 }),
  groups: fc.subarray(NAMES, { maxLength: 3 }),
})

describe('access rule: pure function, SQL predicate and RLS policies agree', () => {
  let t: TestDatabase
  const resources = new Map<string, Resource>()

  before(async () => {
    t = await openTestDatabase()
    const docs: SeedDocument[] = fc.sample(resourceArb, { numRuns: DOCUMENTS, seed: SEED }).map((r, i) => {
      const id = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`
      resources.set(id, r)
      return {
        tenantId: r.tenantId, documentId: id, title: `doc ${i}`, classification: levelOf(r.classification),
        departments: r.departments, allowedPrincipals: r.allowedPrincipals, quarantined: r.quarantined,
        // The chunk id equals the document id, so one set comparison covers both tables.
        chunks: [{ chunkId: id, text: `text ${i}`, embedding: Array.from({ length: 384 }, (_, j) => (j === i % 384 ? 1 : 0)) }],
      }
    })
    await withOwner(t.db, async (tx) => {
      await insertTenants(tx, TENANTS)
      await insertDocuments(tx, docs)
    })
  })
  after(() => t.close())

  it('when random principals read random documents, then predicate-only, RLS-only and canSee give the same set', async () => {
    let nonEmpty = 0
    await fc.assert(
      fc.asyncProperty(subjectArb, async (subject) => {
        const scope = scopeOf(subject)
        const expected = [...resources].filter(([, r]) => canSee(subject, r)).map(([id]) => id).sort()
        const byPredicate = await withOwner(t.db, async (tx) => {
          const docs = accessPredicate('d', scope, 1)
          const chunks = accessPredicate('c', scope, 1)
          return {
            documents: ids(await tx.query(`SELECT d.document_id AS id FROM documents d WHERE ${docs.text}`, docs.values)),
            chunks: ids(await tx.query(`SELECT c.chunk_id AS id FROM chunks c WHERE ${chunks.text}`, chunks.values)),
          }
        })
        const byRls = await withPrincipal(t.db, scope, async (tx) => ({
          documents: ids(await tx.query('SELECT document_id AS id FROM documents')),
          chunks: ids(await tx.query('SELECT chunk_id AS id FROM chunks')),
        }))
        assert.deepEqual(byPredicate, { documents: expected, chunks: expected })
        assert.deepEqual(byRls, { documents: expected, chunks: expected })
        if (expected.length) nonEmpty++
      }),
      { numRuns: PRINCIPAL_RUNS, seed: SEED },
    )
    // A property that only ever compares empty sets proves nothing.
    assert.ok(nonEmpty > PRINCIPAL_RUNS / 4, `only ${nonEmpty} principals saw anything`)
  })

  it('when the schema owner reads without the predicate, then it sees every row, so the comparison is not vacuous', async () => {
    const all = await withOwner(t.db, async (tx) => ids(await tx.query('SELECT chunk_id AS id FROM chunks')))
    assert.equal(all.length, DOCUMENTS)
  })
})

function ids(result: { rows: Array<{ id: string }> }): string[] {
  return result.rows.map((r) => r.id).sort()
}
