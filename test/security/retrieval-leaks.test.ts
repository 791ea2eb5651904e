import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { withOwner } from '../../server/db/tx.ts'
import { canSee, scopeOf } from '../../server/policy/rule.ts'
import { graphPrecision } from '../../server/retrieval/graph-precision.ts'
import type { RetrievalOptions } from '../../server/retrieval/options.ts'
import {
  chunksByIds, textCandidates, UNSAFE_OMIT_QUERY_PREDICATE, useHnswScan, vectorCandidatesExact,
  vectorCandidatesHnsw, vectorCandidatesOfDocuments, type RepoSeams,
} from '../../server/retrieval/search.repo.ts'
import { searchChunks } from '../../server/retrieval/search.service.ts'
import { canaryMatrix, seedCanaries, type Canary } from '../helpers/canary-corpus.ts'
import { PRINCIPAL_NAMES, PRINCIPALS } from '../helpers/principals.ts'
import { openTestDatabase, type TestDatabase } from '../helpers/test-db.ts'

const canaries = canaryMatrix()
const byChunk = new Map(canaries.map((c) => [c.chunkId, c]))
const EXACT: Partial<RetrievalOptions> = { k: 50 }
// Threshold 0 sends every search to the HNSW query; a depth of 4 lets the iterative scan fill it for every
// principal who sees at least 4 chunks, so the approximate path itself is what returns their rows.
const HNSW: Partial<RetrievalOptions> = { k: 4, candidateDepth: 4, exactThreshold: 0, selectiveShare: 0 }
const RLS_ONLY: RepoSeams = { [UNSAFE_OMIT_QUERY_PREDICATE]: true }

describe('retrieval leak matrix (192 planted documents x 6 principals)', () => {
  let t: TestDatabase
  before(async () => {
    t = await openTestDatabase()
    await seedCanaries(t.db, canaries)
  })
  after(() => t.close())

  /** Each principal searches for each canary by its token and its vector; returns the failures as text. */
  async function sweep(opts: Partial<RetrievalOptions>, seams: RepoSeams = {}) {
    const failures: string[] = []
    const routes = new Set<string>()
    for (const name of PRINCIPAL_NAMES) {
      const subject = PRINCIPALS[name]
      const visible = canaries.filter((c) => canSee(subject, c.resource)).length
      for (const canary of canaries) {
        const r = await searchChunks(t.db, subject, { text: canary.token, embedding: canary.embedding }, opts, seams)
        routes.add(r.route)
        const allowed = canSee(subject, canary.resource)
        const ids = r.results.map((h) => h.chunkId)
        const leaked = ids.filter((id) => !canSee(subject, (byChunk.get(id) as Canary).resource))
        if (leaked.length) failures.push(`${name} got forbidden ${leaked.join(',')} searching ${canary.token}`)
        if (ids.includes(canary.chunkId) !== allowed) failures.push(`${name} ${allowed ? 'missed' : 'got'} ${canary.token}`)
        if (allowed && ids[0] !== canary.chunkId) failures.push(`${name}: ${canary.token} not ranked first`)
        if (r.results.some((h) => h.text.includes(canary.token) && h.chunkId !== canary.chunkId)) failures.push('token collision')
        if (r.visibleCount !== visible) failures.push(`${name}: visibleCount ${r.visibleCount} != ${visible}`)
        if (r.candidatesDenied !== 96 - visible) failures.push(`${name}: candidatesDenied ${r.candidatesDenied}`)
      }
    }
    return { failures, routes }
  }

  it('when every demo principal searches every canary on the exact route, then each sees exactly what canSee allows', async () => {
    const { failures, routes } = await sweep(EXACT)
    assert.deepEqual(failures, [])
    assert.deepEqual([...routes], ['exact'])
  })

  it('when the same sweep runs on the HNSW route, then each still sees exactly what canSee allows', async () => {
    const { failures, routes } = await sweep(HNSW)
    assert.deepEqual(failures, [])
    assert.ok(routes.has('hnsw'), 'the approximate query ran')
  })

  it('when the query-side predicate is switched off (test seam), then RLS alone returns only permitted rows', async () => {
    for (const opts of [EXACT, HNSW]) {
      const { failures } = await sweep(opts, RLS_ONLY)
      assert.deepEqual(failures, [])
    }
  })

  it('when RLS is absent (schema owner), then every retrieval query still applies the rule itself; the seam removes it', async () => {
    const q = `[${(canaries[0] as Canary).embedding.join(',')}]`
    const everyToken = canaries.map((c) => c.token).join(' OR ')
    const allIds = canaries.map((c) => c.chunkId)
    // Every planted document, forbidden ones included: the sibling query must narrow them itself.
    const allDocuments = [...new Set(canaries.map((c) => c.documentId))]
    for (const name of PRINCIPAL_NAMES) {
      const scope = scopeOf(PRINCIPALS[name])
      const expected = canaries.filter((c) => canSee(PRINCIPALS[name], c.resource)).map((c) => c.chunkId).sort()
      const read = (seams: RepoSeams) => withOwner(t.db, async (tx) => {
        await useHnswScan(tx, { efSearch: 200, iterativeScan: 'relaxed_order', maxScanTuples: 20_000 })
        // The 'all' text path asks search_chunk_text(), which reads the principal from the RLS settings. They are
        // set here to a forged, wider principal of the same tenant, so only the query-side predicate can narrow it.
        await tx.query(
          `SELECT set_config('strongroom.tenant_id', $1, true), set_config('strongroom.clearance', '3', true),
                  set_config('strongroom.departments', '{engineering,finance,hr}', true),
                  set_config('strongroom.principals', '{user:alice,group:eng-all,group:globex-eng}', true)`,
          [scope.tenantId],
        )
        return {
          hnsw: (await vectorCandidatesHnsw(tx, scope, q, 384, 500, graphPrecision(t.db.engine), seams)).map((c) => c.chunkId).sort(),
          exact: (await vectorCandidatesExact(tx, scope, q, 500, seams)).map((c) => c.chunkId).sort(),
          siblings: (await vectorCandidatesOfDocuments(tx, scope, q, allDocuments, 500, 10_000, seams)).map((c) => c.chunkId).sort(),
          textAll: (await textCandidates(tx, scope, everyToken, 500, 'all', seams)).map((c) => c.chunkId).sort(),
          textVisible: (await textCandidates(tx, scope, everyToken, 500, 'visible', seams)).map((c) => c.chunkId).sort(),
          byIds: (await chunksByIds(tx, scope, allIds, seams)).map((c) => c.chunkId).sort(),
        }
      })
      assert.deepEqual(await read({}), {
        hnsw: expected, exact: expected, siblings: expected, textAll: expected, textVisible: expected, byIds: expected,
      }, name)
      // Without RLS and without the predicate the owner sees everything: the RLS-only sweep above is not vacuous.
      const open = await read(RLS_ONLY)
      assert.equal(open.exact.length, canaries.length)
      assert.equal(open.siblings.length, canaries.length)
      assert.equal(open.byIds.length, canaries.length)
      assert.ok(open.textAll.length > expected.length && expected.every((id) => open.textAll.includes(id)), name)
    }
  })

  it('when a principal sees nothing in the corpus, then every search returns nothing and no error', async () => {
    const stranger = { userId: 'zed', tenantId: 'initech', clearance: 'restricted', departments: ['engineering'], groups: ['eng-all'] } as const
    const r = await searchChunks(t.db, stranger, { text: (canaries[0] as Canary).token, embedding: (canaries[0] as Canary).embedding }, EXACT)
    assert.deepEqual(r.results, [])
    assert.equal(r.visibleCount, 0)
  })
})
