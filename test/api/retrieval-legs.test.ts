import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { withOwner } from '../../server/db/tx.ts'
import { EMBEDDING_DIMENSIONS, searchChunks } from '../../server/retrieval/search.service.ts'
import { PRINCIPALS } from '../helpers/principals.ts'
import { insertDocuments, insertTenants, type SeedDocument } from '../helpers/seed-chunks.ts'
import { openTestDatabase, type TestDatabase } from '../helpers/test-db.ts'

const axis = (i: number) => Array.from({ length: EMBEDDING_DIMENSIONS }, (_, j) => (j === i % EMBEDDING_DIMENSIONS ? 1 : 0.01))
const WORDS = ['ledger', 'runbook', 'forecast', 'incident', 'roadmap', 'payroll']

function document(): SeedDocument {
  return {
    tenantId: 'acme', documentId: randomUUID(), title: 'legs', classification: 1, departments: [], allowedPrincipals: [],
    quarantined: false,
    chunks: Array.from({ length: 12 }, (_, i) => ({
      chunkId: randomUUID(), text: `${WORDS[i % WORDS.length]} passage ${i}`, embedding: axis(i),
    })),
  }
}

/**
 * A search reads its vector and text lists in two transactions at once and its rows in a third (search.service.ts).
 * With a pool of one connection, a transaction that waited for another while holding the connection would wait
 * forever (until the pool's 10 s connection timeout fails the search).
 */
describe('hybrid search legs with a pool of one connection', () => {
  let t: TestDatabase
  before(async () => {
    t = await openTestDatabase({ env: { DATABASE_POOL_MAX: '1' } })
    await withOwner(t.db, async (tx) => {
      await insertTenants(tx, ['acme'])
      await insertDocuments(tx, [document(), document()])
    })
  })
  after(() => t.close())

  const search = (i: number) =>
    searchChunks(t.db, PRINCIPALS.erin, { text: WORDS[i % WORDS.length] as string, embedding: axis(i), k: 5 }, { countCacheTtlMs: 0 })

  it('when eight searches run at once, then each completes with the result it has when run alone', async () => {
    const alone = []
    for (let i = 0; i < 8; i++) alone.push(await search(i))
    const together = await Promise.all(Array.from({ length: 8 }, (_, i) => search(i)))
    assert.deepEqual(together, alone)
    for (const [i, r] of alone.entries()) {
      assert.equal(r.results.length, 5)
      // The text leg contributed: the chunks carrying the query's word rank among the results.
      assert.ok(r.results.some((h) => h.text.startsWith(`${WORDS[i % WORDS.length]} `)), `search ${i}`)
    }
  })
})
