import type { AccessScope } from '../db/tx.ts'

export type Route = 'exact' | 'hnsw'

/** Which classification levels a search scores exactly and which it searches through their HNSW index. */
export interface LevelPlan {
  exact: number[]
  hnsw: number[]
}

/** What planLevels weighs; RetrievalOptions holds the values. */
export interface RouteLimits {
  exactThreshold: number
  selectiveShare: number
  selectiveMax: number
}

/**
 * The route per classification level (each level has its own HNSW index, migrations/0015). The application, not the
 * planner, picks it: the RLS quals read transaction-local settings, so the planner cannot know how selective the
 * rule is for this principal. Exact scoring has recall 1 by construction and costs time in proportion to the chunks
 * it scores; HNSW with an iterative scan costs little but loses recall as the filter inside the level's graph gets
 * selective, and a larger graph loses more. Levels go to the exact route smallest first while the chunks scored
 * exactly stay below `exactThreshold`, and also, up to `selectiveMax` chunks scored exactly, a level where the
 * principal sees less than `selectiveShare` of the level's chunks. The other levels use their index, followed by
 * exact scores for the other chunks of the candidates' documents (options.ts siblingLimit). Every level the
 * clearance reaches is searched, even one the (cached, possibly stale) count says is empty: such a level costs almost
 * nothing exactly, and a stale count must never change which rows a search can return.
 */
export function planLevels(visibleByLevel: readonly number[], totalByLevel: readonly number[], limits: RouteLimits): LevelPlan {
  const plan: LevelPlan = { exact: [], hnsw: [] }
  let exact = 0
  const bySize = visibleByLevel.map((n, level) => ({ n, level })).sort((a, b) => a.n - b.n || a.level - b.level)
  for (const { n, level } of bySize) {
    const selective = n < limits.selectiveShare * (totalByLevel[level] ?? 0)
    if (n === 0 || exact + n < limits.exactThreshold || (selective && exact + n < limits.selectiveMax)) {
      plan.exact.push(level)
      exact += n
    } else {
      plan.hnsw.push(level)
    }
  }
  plan.exact.sort((a, b) => a - b)
  plan.hnsw.sort((a, b) => a - b)
  return plan
}

/**
 * Whether an HNSW result must be redone exactly. An iterative scan returns fewer rows than asked only when it
 * ran out of index or hit hnsw.max_scan_tuples, which means the permitted chunks near the query are sparse (or the
 * cached count was stale); the approximate list could then miss permitted passages, so the exact route decides.
 */
export function needsExactFallback(returned: number, depth: number): boolean {
  return returned < depth
}

/**
 * A small in-process cache of counts. App servers are stateless and share nothing: every instance keeps its own
 * copy, and a stale or missing entry changes only which route runs (and so latency), never which rows may be
 * returned, because both routes filter with the rule and RLS at query time.
 *
 * An entry is fresh for `ttlMs`; for one more `ttlMs` it is still served while one recount runs in the background
 * (refresh), so under steady traffic no search waits for a count. Counting is not free at scale: a tenant's access
 * groups (access-groups.ts) take about 40 ms at 1M chunks (100k documents in shared buffers). Staleness stays
 * bounded by twice the TTL; after that the next search counts before it runs.
 */
export class CountCache<T = number> {
  readonly #entries = new Map<string, { value: T; countedAt: number }>()
  readonly #recounting = new Set<string>()

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The value while it may be served, and whether it is still fresh (a stale one should be refreshed). */
  lookup(key: string): { value: T; fresh: boolean } | undefined {
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    const age = this.now() - entry.countedAt
    if (age >= 2 * this.ttlMs) {
      this.#entries.delete(key)
      return undefined
    }
    return { value: entry.value, fresh: age < this.ttlMs }
  }

  set(key: string, value: T): void {
    if (this.ttlMs <= 0) return
    // Oldest insertion goes first: a Map iterates in insertion order.
    if (this.#entries.size >= this.maxEntries && !this.#entries.has(key)) {
      const oldest = this.#entries.keys().next()
      if (!oldest.done) this.#entries.delete(oldest.value)
    }
    this.#entries.delete(key)
    this.#entries.set(key, { value, countedAt: this.now() })
  }

  /**
   * Recounts `key` in the background, once at a time per key. A failed recount is dropped: the stale entry ages out
   * and the next search then counts before it runs, where the error reaches its caller.
   */
  refresh(key: string, count: () => Promise<T>): void {
    if (this.#recounting.has(key)) return
    this.#recounting.add(key)
    count().then(
      (value) => this.set(key, value),
      () => undefined,
    ).finally(() => this.#recounting.delete(key))
  }

  /** Fresh value, or a stale one while it is recounted, or a count awaited now. */
  async through(key: string, count: () => Promise<T>): Promise<T> {
    const hit = this.lookup(key)
    if (hit && !hit.fresh) this.refresh(key, count)
    if (hit) return hit.value
    const value = await count()
    this.set(key, value)
    return value
  }
}

/** Everything the rule reads, canonical: two principals with the same key see exactly the same chunks. */
export function scopeKey(scope: AccessScope): string {
  return JSON.stringify([
    scope.tenantId,
    scope.clearance,
    [...new Set(scope.departments)].sort(),
    [...new Set(scope.principals)].sort(),
  ])
}
