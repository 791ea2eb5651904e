/**
 * Retrieval tuning. The defaults come from `npm run bench -- retrieval` on the PostgreSQL server (100k chunks of
 * 384-dimensional clustered vectors, 2 cores); see that benchmark for the figures behind each value.
 */
export interface RetrievalOptions {
  /** Results returned, 1..MAX_K. */
  k: number
  /** Candidates taken from each of the vector and full-text lists before fusion (at least k is used). */
  candidateDepth: number
  /**
   * Classification levels are scored exactly, smallest first, while the chunks scored exactly stay below this count
   * (recall 1 by construction); the other levels use their HNSW index (route.ts planLevels). The exact route costs
   * time in proportion to the chunks it scores, whatever the corpus size (server, 2 cores, 100k chunks: 5,000
   * visible p50 15 ms / p95 20 ms, 2,000 8 / 14, 1,000 6 / 14).
   */
  exactThreshold: number
  /**
   * A level where the principal sees less than this share of the level's chunks is also scored exactly, as long as
   * the chunks scored exactly stay below selectiveMax. Filtering inside a large graph loses recall that no ef_search
   * recovers (1M chunks, HNSW on a 100k-chunk level: 9% of it visible, mean recall@10 0.934, worst query 0.7; 19%
   * visible, 0.92 / 0.5), while exact scoring of 10k to 20k chunks takes about 20 to 35 ms (1M chunks, 2026-12-03).
   */
  selectiveShare: number
  /** Upper bound of the chunks scored exactly because of selectiveShare. */
  selectiveMax: number
  /**
   * hnsw.ef_search: the initial candidate list of the graph search. It is not scaled with the visible share: on
   * the benchmark corpus (100k chunks, 10% visible, 300 queries, two index builds) ef_search 200, 632 and 1000 gave
   * the same mean recall@10 (0.991) and the same 3-4 queries below 0.9, while p50 rose from 9 to 14 ms. Those
   * queries miss chunks the graph does not reach at any ef_search; siblingLimit recovers them.
   */
  efSearch: number
  /** hnsw.iterative_scan: relaxed_order (results re-sorted here) or strict_order. */
  iterativeScan: 'relaxed_order' | 'strict_order'
  /** hnsw.max_scan_tuples: how far an iterative scan may go before it gives up (then the exact route runs). */
  maxScanTuples: number
  /**
   * HNSW route only: the documents of the HNSW candidates are re-read and up to this many of their chunks scored
   * exactly and merged with the candidates; 0 turns it off. An HNSW graph leaves some points unreachable: with
   * pgvector's defaults (m 16, ef_construction 64) 6.5% of the benchmark's chunks are not in their own top 10 at
   * ef_search 200. A selective filter pushes the wanted chunks away from the query, where such points are common,
   * and no ef_search reaches them; a sibling chunk of the same document usually is reached (a document's chunks
   * share its subject, and the document is the unit of access). Measured on the server, 100k chunks, 300 queries,
   * same index build, run back to back (load 5 to 7 on 2 cores): 10% visible mean recall@10 0.989 -> 0.999, queries
   * below 0.9 3 -> 1; 50% 0.9987 -> 0.9997; 100% 0.9983 -> 0.9993; cost p50 +1.5 to 2 ms (about 10 documents, 100 to
   * 300 chunks, read through the document index). The cap bounds the cost when documents are long. Levels of 50k
   * chunks or more get denser graphs (ef_construction 200, ingest/vector-index-definition.ts LARGE_LEVEL_CHUNKS),
   * because at that size unreachable chunks cost recall that siblings did not recover.
   */
  siblingLimit: number
  /**
   * Lifetime of the in-process count caches; 0 counts on every request. A count is served for one more lifetime
   * while it is recounted in the background (route.ts CountCache). Route choice only, never rows.
   */
  countCacheTtlMs: number
}

export const MAX_K = 50
export const MAX_CANDIDATE_DEPTH = 1000

export const RETRIEVAL_DEFAULTS: Readonly<RetrievalOptions> = Object.freeze({
  k: 8,
  candidateDepth: 40,
  exactThreshold: 6000,
  selectiveShare: 0.25,
  selectiveMax: 25_000,
  efSearch: 200,
  iterativeScan: 'relaxed_order',
  maxScanTuples: 20_000,
  siblingLimit: 400,
  countCacheTtlMs: 30_000,
})

/** Merges overrides into the defaults and refuses values outside their ranges (a configuration error, not input). */
export function resolveOptions(overrides: Partial<RetrievalOptions> = {}): RetrievalOptions {
  const o: RetrievalOptions = { ...RETRIEVAL_DEFAULTS, ...withoutUndefined(overrides) }
  const int = (name: keyof RetrievalOptions, min: number, max: number) => {
    const v = o[name]
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new RangeError(`retrieval option ${name} must be an integer in ${min}..${max}`)
    }
  }
  int('k', 1, MAX_K)
  int('candidateDepth', 1, MAX_CANDIDATE_DEPTH)
  int('exactThreshold', 0, 10_000_000)
  int('selectiveMax', 0, 10_000_000)
  if (typeof o.selectiveShare !== 'number' || !(o.selectiveShare >= 0 && o.selectiveShare <= 1)) {
    throw new RangeError('retrieval option selectiveShare must be a number in 0..1')
  }
  int('efSearch', 1, 1000)
  int('maxScanTuples', 1, 100_000_000)
  int('siblingLimit', 0, 100_000)
  int('countCacheTtlMs', 0, 3_600_000)
  if (o.iterativeScan !== 'relaxed_order' && o.iterativeScan !== 'strict_order') {
    throw new RangeError('retrieval option iterativeScan must be relaxed_order or strict_order')
  }
  return o
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
