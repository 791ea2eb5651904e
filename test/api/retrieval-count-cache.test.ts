import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { withOwner } from '../../server/db/tx.ts'
import { EMBEDDING_DIMENSIONS, searchChunks } from '../../server/retrieval/search.service.ts'
import { PRINCIPALS } from '../helpers/principals.ts'
import { insertDocuments, insertTenants, type SeedDocument } from '../helpers/seed-chunks.ts'
import { openTestDatabase, type TestDatabase } from '../helpers/test-db.ts'

const axis = (i: number) => Array.from({ length: EMBEDDING_DIMENSIONS }, (_, j) => (j === i % EMBEDDING_DIMENSIONS ? 1 : 0.01))

function document(chunks: number): SeedDocument {
  return {
    tenantId: 'acme', documentId: randomUUID(), title: 'count cache', classification: 1, departments: [], allowedPrincipals: [],
    quarantined: false, chunks: Array.from({ length: chunks }, (_, i) => ({ chunkId: randomUUID(), text: `passage ${i}`, embedding: axis(i) })),
  }
}

// Each test compares counts with its own first search, and a lifetime of its own gives it a cache of its own.
describe('visible-chunk count cache', () => {
  let t: TestDatabase
  before(async () => {
    t = await openTestDatabase()
    await withOwner(t.db, async (tx) => {
      await insertTenants(tx, ['acme'])
      await insertDocuments(tx, [document(5)])
    })
  })
  after(() => t.close())

  const search = (countCacheTtlMs: number) =>
    searchChunks(t.db, PRINCIPALS.alice, { text: '', embedding: axis(0), k: 3 }, { countCacheTtlMs })

  it('when a search with another cache lifetime runs in between, then the cached count of the first lifetime is kept', async () => {
    const cached = await search(600_000)
    await withOwner(t.db, (tx) => insertDocuments(tx, [document(3)]))
    const fresh = await search(0)
    assert.equal(fresh.visibleCount, cached.visibleCount + 3)
    // The count with the long lifetime is still the one taken before the insert: the uncached search neither
    // emptied nor replaced it (it used to, so every benchmark query after an uncached one recounted).
    assert.equal((await search(600_000)).visibleCount, cached.visibleCount)
    assert.equal((await search(0)).visibleCount, cached.visibleCount + 3)
  })

  it('when searches keep hitting a cached count, then it is still recounted once its lifetime has passed', async () => {
    const ttlMs = 300
    const first = await search(ttlMs)
    const counted = Date.now()
    await withOwner(t.db, (tx) => insertDocuments(tx, [document(3)]))
    // Hits inside the lifetime see the old count; each used to store it again and so renew it for another ttlMs.
    // The first hit past the lifetime is still served the old count while it is recounted, hence the margin.
    let last = await search(ttlMs)
    while (Date.now() <= counted + ttlMs + 150) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      last = await search(ttlMs)
    }
    assert.equal(last.visibleCount, first.visibleCount + 3)
  })

  it('when a cached count goes stale, then the next search does not wait for the recount and a later one sees it', async () => {
    const ttlMs = 400
    const first = await search(ttlMs)
    await withOwner(t.db, (tx) => insertDocuments(tx, [document(3)]))
    await new Promise((resolve) => setTimeout(resolve, ttlMs + 20))
    // Past the lifetime, within twice it: the old count is served, and the recount runs behind it.
    assert.equal((await search(ttlMs)).visibleCount, first.visibleCount)
    let later = await search(ttlMs)
    for (let i = 0; i < 20 && later.visibleCount === first.visibleCount; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      later = await search(ttlMs)
    }
    assert.equal(later.visibleCount, first.visibleCount + 3)
  })

  it('when a cached count is older than twice its lifetime, then the search counts before it runs', async () => {
    const ttlMs = 200
    const first = await search(ttlMs)
    await withOwner(t.db, (tx) => insertDocuments(tx, [document(3)]))
    await new Promise((resolve) => setTimeout(resolve, 2 * ttlMs + 20))
    assert.equal((await search(ttlMs)).visibleCount, first.visibleCount + 3)
  })
})
