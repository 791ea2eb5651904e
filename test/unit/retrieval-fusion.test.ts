import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fuseReciprocalRank, RRF_K } from '../../server/retrieval/fusion.ts'
import { resolveOptions, RETRIEVAL_DEFAULTS } from '../../server/retrieval/options.ts'
import { CountCache, needsExactFallback, planLevels, scopeKey } from '../../server/retrieval/route.ts'

describe('reciprocal rank fusion', () => {
  it('when a chunk is in both lists, then it outranks chunks that lead only one list', () => {
    const fused = fuseReciprocalRank(['a', 'b', 'c'], ['x', 'c'], 10)
    assert.equal(fused[0]?.chunkId, 'c')
    assert.equal(fused[0]?.score, 1 / (RRF_K + 3) + 1 / (RRF_K + 2))
    assert.deepEqual(fused.map((f) => f.chunkId), ['c', 'a', 'x', 'b'])
  })

  it('when scores tie, then the better vector rank wins, then the chunk id; the limit cuts the list', () => {
    assert.deepEqual(fuseReciprocalRank(['v1'], ['t1'], 10).map((f) => f.chunkId), ['v1', 't1'])
    assert.deepEqual(fuseReciprocalRank([], ['b', 'a'], 1).map((f) => f.chunkId), ['b'])
  })

  it('when a list repeats an id, then only its first rank counts', () => {
    const [only] = fuseReciprocalRank(['a', 'a'], [], 5)
    assert.equal(only?.score, 1 / (RRF_K + 1))
  })

  it('when both lists are empty, then nothing is returned', () => {
    assert.deepEqual(fuseReciprocalRank([], [], 8), [])
  })
})

describe('route choice and count cache', () => {
  // Every level fully visible unless a test says otherwise, so only the absolute threshold decides.
  const plan = (visible: number[], threshold: number, total: number[] = visible, selective = { selectiveShare: 0.25, selectiveMax: 25_000 }) =>
    planLevels(visible, total, { exactThreshold: threshold, ...selective })

  it('when fewer chunks than the threshold are visible, then every level is scored exactly', () => {
    assert.deepEqual(plan([100, 2899, 0], 3000), { exact: [0, 1, 2], hnsw: [] })
    assert.deepEqual(plan([100, 2900], 3000), { exact: [0], hnsw: [1] })
  })

  it('when levels are large, then the smallest go exact while the exact total stays under the threshold, the rest by index', () => {
    assert.deepEqual(plan([100, 10_000, 40_000, 50_000], 6000), { exact: [0], hnsw: [1, 2, 3] })
    assert.deepEqual(plan([1000, 2000, 2500, 50_000], 6000), { exact: [0, 1, 2], hnsw: [3] })
    assert.deepEqual(plan([3000, 4000], 6000), { exact: [0], hnsw: [1] })
  })

  it('when the principal sees a small share of a large level, then that level is scored exactly up to selectiveMax', () => {
    // 1M chunks: 9% and 19% of a 100k level go exact; 49% of it, or 9% of a level past the cap, by index.
    assert.deepEqual(plan([1000, 9000], 6000, [1000, 100_000]), { exact: [0, 1], hnsw: [] })
    assert.deepEqual(plan([1000, 19_000], 6000, [1000, 100_000]), { exact: [0, 1], hnsw: [] })
    assert.deepEqual(plan([1000, 49_000], 6000, [1000, 100_000]), { exact: [0], hnsw: [1] })
    assert.deepEqual(plan([1000, 45_000], 6000, [1000, 500_000]), { exact: [0], hnsw: [1] })
    assert.deepEqual(plan([1000, 9000], 6000, [1000, 100_000], { selectiveShare: 0, selectiveMax: 25_000 }), { exact: [0], hnsw: [1] })
  })

  it('when a level counts no visible chunks, then it is still searched (exactly), so a stale count cannot hide new rows', () => {
    assert.deepEqual(plan([0, 10_000], 0), { exact: [0], hnsw: [1] })
    assert.deepEqual(plan([0, 0, 0, 0], 6000), { exact: [0, 1, 2, 3], hnsw: [] })
  })

  it('when the HNSW scan returns fewer rows than asked, then the exact route must redo it', () => {
    assert.equal(needsExactFallback(39, 40), true)
    assert.equal(needsExactFallback(40, 40), false)
  })

  it('when the cache is full, then the oldest entry is gone; past its TTL an entry is stale; a TTL of 0 stores nothing', () => {
    let now = 1000
    const cache = new CountCache(100, 2, () => now)
    cache.set('a', 1)
    cache.set('b', 2)
    cache.set('c', 3)
    assert.equal(cache.lookup('a'), undefined)
    assert.deepEqual(cache.lookup('c'), { value: 3, fresh: true })
    now += 100
    assert.deepEqual(cache.lookup('c'), { value: 3, fresh: false })
    const off = new CountCache(0)
    off.set('a', 1)
    assert.equal(off.lookup('a'), undefined)
  })

  it('when an entry is past its TTL but younger than twice it, then it is served while one background recount runs', async () => {
    let now = 0
    const cache = new CountCache<number>(100, 10, () => now)
    assert.equal(await cache.through('a', async () => 1), 1)
    now = 150
    let recounts = 0
    let finish: (n: number) => void = () => undefined
    const recount = () => {
      recounts++
      return new Promise<number>((resolve) => { finish = resolve })
    }
    assert.equal(await cache.through('a', recount), 1)
    assert.equal(await cache.through('a', recount), 1)
    assert.equal(recounts, 1, 'one recount per key at a time')
    finish(2)
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(cache.lookup('a'), { value: 2, fresh: true })
    now += 200
    assert.equal(cache.lookup('a'), undefined, 'gone at twice the TTL')
    assert.equal(await cache.through('a', async () => 3), 3, 'then the search counts before it runs')
  })

  it('when a background recount fails, then the stale value is served until it ages out, and the next count is awaited', async () => {
    let now = 0
    const cache = new CountCache<number>(100, 10, () => now)
    cache.set('a', 1)
    now = 120
    assert.equal(await cache.through('a', () => Promise.reject(new Error('database gone'))), 1)
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(cache.lookup('a'), { value: 1, fresh: false })
    now = 200
    await assert.rejects(cache.through('a', () => Promise.reject(new Error('database gone'))), /database gone/)
  })

  it('when two scopes differ only in order or duplicates, then they share a key; any other difference separates them', () => {
    const base = { tenantId: 't', userId: 'u', clearance: 1, departments: ['a', 'b'], principals: ['user:u', 'group:g'] }
    assert.equal(scopeKey(base), scopeKey({ ...base, departments: ['b', 'a', 'a'], principals: ['group:g', 'user:u'] }))
    for (const other of [{ tenantId: 'x' }, { clearance: 2 }, { departments: ['a'] }, { principals: ['user:u'] }]) {
      assert.notEqual(scopeKey(base), scopeKey({ ...base, ...other }))
    }
  })
})

describe('retrieval options', () => {
  it('when no override is given, then the measured defaults apply; overrides outside their range are refused', () => {
    assert.deepEqual(resolveOptions(), RETRIEVAL_DEFAULTS)
    assert.equal(resolveOptions({ k: 50, efSearch: undefined }).k, 50)
    for (const bad of [{ k: 0 }, { k: 51 }, { candidateDepth: 1.5 }, { efSearch: 0 }, { iterativeScan: 'off' as never }]) {
      assert.throws(() => resolveOptions(bad), RangeError)
    }
  })
})
