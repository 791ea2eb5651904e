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
 * A small in-process TTL cache of counts. App servers are stateless and share nothing: every instance keeps its
 * own copy, and a stale or missing entry changes only which route runs (and so latency), never which rows may be
 * returned, because both routes filter with the rule and RLS at query time.
 */
export class CountCache<T = number> {
  readonly #entries = new Map<string, { value: T; expires: number }>()

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): T | undefined {
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    if (entry.expires <= this.now()) {
      this.#entries.delete(key)
      return undefined
    }
    return entry.value
  }

  set(key: string, value: T): void {
    if (this.ttlMs <= 0) return
    // Oldest insertion goes first: a Map iterates in insertion order.
    if (this.#entries.size >= this.maxEntries && !this.#entries.has(key)) {
      const oldest = this.#entries.keys().next()
      if (!oldest.done) this.#entries.delete(oldest.value)
    }
    this.#entries.delete(key)
    this.#entries.set(key, { value, expires: this.now() + this.ttlMs })
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
