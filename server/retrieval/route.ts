import type { AccessScope } from '../db/tx.ts'

export type Route = 'exact' | 'hnsw'

/**
 * The application, not the planner, picks the route: the RLS quals read transaction-local settings, so the planner
 * cannot know how selective the rule is for this principal. Exact below the threshold (recall 1 by construction,
 * cost proportional to the visible chunks); HNSW with an iterative scan above it, followed by exact scores for the
 * other chunks of the candidates' documents (options.ts siblingLimit), which recovers the permitted chunks the graph
 * cannot reach. The threshold stays an absolute count because the exact route's cost is: at 10,000 visible chunks
 * it already takes 36 to 50 ms on 2 cores, so raising it cannot serve a 10% share of 100k chunks within 30 ms.
 */
export function chooseRoute(visibleChunks: number, exactThreshold: number): Route {
  return visibleChunks < exactThreshold ? 'exact' : 'hnsw'
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
export class CountCache {
  readonly #entries = new Map<string, { value: number; expires: number }>()

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): number | undefined {
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    if (entry.expires <= this.now()) {
      this.#entries.delete(key)
      return undefined
    }
    return entry.value
  }

  set(key: string, value: number): void {
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
