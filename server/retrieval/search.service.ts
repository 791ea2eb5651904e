import type { Database } from '../db/pool.ts'
import { withPrincipal, withTenant, type AccessScope, type Tx } from '../db/tx.ts'
import { BadRequestError } from '../errors.ts'
import { MAX_EMBEDDING_COMPONENT } from '../llm/embeddings.ts'
import { classificationAt, type Classification } from '../policy/levels.ts'
import { scopeOf, type Subject } from '../policy/rule.ts'
import { fuseReciprocalRank } from './fusion.ts'
import { graphPrecision, type GraphPrecision } from './graph-precision.ts'
import { resolveOptions, MAX_K, type RetrievalOptions } from './options.ts'
import { levelCounts, type AccessGroup, type LevelCounts } from './access-groups.ts'
import { CountCache, needsExactFallback, planLevels, scopeKey, type LevelPlan, type Route } from './route.ts'
import * as repo from './search.repo.ts'

/** The default vector length (EMBEDDINGS_DIMENSIONS), which a query is held to unless it names another. */
export const EMBEDDING_DIMENSIONS = 384
/** Longer text is refused rather than cut: a silently truncated query would search for something else. */
export const MAX_QUERY_CHARS = 2000

export interface SearchQuery {
  text: string
  /** The query embedding (`dimensions` finite numbers, not all zero) from the configured embedder. */
  embedding: readonly number[]
  /**
   * The configured embedder's vector length, which the start-up check holds equal to the column's
   * (embedding-check.ts); EMBEDDING_DIMENSIONS when absent. Callers pass it, so that after `npm run reembed` to
   * another size searches go on: a fixed 384 here once refused every search after such a change.
   */
  dimensions?: number
  /** Overrides RetrievalOptions.k for this query; 1..MAX_K. */
  k?: number
}

export interface SearchHit {
  documentId: string
  chunkId: string
  title: string
  classification: Classification
  departments: string[]
  text: string
  /** Reciprocal-rank-fusion score: higher is better; comparable within one result list only. */
  score: number
  page: number | null
  headingPath: string[]
  instructionFlagged: boolean
}

export interface SearchResult {
  results: SearchHit[]
  route: Route
  /**
   * Chunks of the principal's own tenant that the rule withheld from this search: the tenant's chunks minus the
   * visible ones (both from the documents' chunk counts). For the audit log, not for the user. Other tenants'
   * chunks are never counted, so the figure says nothing about anyone else's corpus.
   */
  candidatesDenied: number
  /** Visible chunks according to the documents' chunk counts (cached for countCacheTtlMs). */
  visibleCount: number
}

/**
 * Settings of every search transaction besides the principal's. JIT off: the per-level HNSW statement's cost estimate
 * (each index scan is costed as if it read the level) passes jit_above_cost, and compiling it took 16 ms for index
 * scans that ran in 3 ms (100k chunks, 50% visible); no search statement runs long enough to gain from JIT.
 */
const SEARCH_SETTINGS = { jit: 'off' } as const

/**
 * Full-text candidates come from scoring every visible chunk's text below this many visible chunks, and from the
 * tenant's text index (search_chunk_text) above it. The first costs in proportion to the visible chunks (each chunk's
 * tsvector is read from TOAST), the second in proportion to the tenant's chunks that match the query words.
 */
const TEXT_OVER_VISIBLE_BELOW = 2000

// One cache of tenants' access groups per database handle and lifetime, so test databases never see each other's
// counts, and a caller with another lifetime (countCacheTtlMs 0 in the retrieval benchmark's uncached column)
// neither empties the other callers' caches nor extends their entries.
const caches = new WeakMap<Database, Map<number, CountCache<AccessGroup[]>>>()

// Per-scope counts of one snapshot of a tenant's groups: a new snapshot (a recount) starts afresh. Bounded, because
// with many distinct allow-lists a tenant has as many groups as documents and a scope's count costs a pass over them.
const countsBySnapshot = new WeakMap<readonly AccessGroup[], Map<string, LevelCounts>>()
const MAX_SCOPES_PER_SNAPSHOT = 10_000

function countsFor(groups: readonly AccessGroup[], subject: Subject, scope: AccessScope): LevelCounts {
  let byScope = countsBySnapshot.get(groups)
  if (!byScope) {
    byScope = new Map()
    countsBySnapshot.set(groups, byScope)
  }
  const key = scopeKey(scope)
  let counts = byScope.get(key)
  if (!counts) {
    counts = levelCounts(groups, subject)
    if (byScope.size >= MAX_SCOPES_PER_SNAPSHOT) byScope.clear()
    byScope.set(key, counts)
  }
  return counts
}

/**
 * Filtered hybrid search: the best passages among exactly those the subject may see. Every read runs in a principal
 * transaction (RLS from transaction-local settings) and every query also carries the rule with bound parameters.
 * `seams` is the test-only switch of search.repo.ts; production callers never pass it.
 *
 * The vector list and the full-text list do not depend on each other, so each is read in its own transaction, both
 * at once: on a server they run on two connections and two cores (server, 100k chunks, 100% visible, hybrid chat
 * questions: p50 12 to 14 ms one after the other, 9 to 10 ms at once; each alone 9 to 11 and 6.5 to 7 ms). The
 * presented rows are read last, in a third transaction that applies the rule once more, so a row withdrawn between
 * the reads is left out, never shown. No transaction waits for another while it holds a connection, so a full pool
 * makes searches queue, never deadlock (test/api/retrieval-legs.test.ts). Embedded PGlite has one connection and
 * runs the legs one after the other.
 */
export async function searchChunks(
  db: Database,
  subject: Subject,
  query: SearchQuery,
  overrides: Partial<RetrievalOptions> = {},
  seams: repo.RepoSeams = {},
): Promise<SearchResult> {
  const opts = resolveOptions(overrides)
  const k = checkK(query.k ?? opts.k)
  const dimensions = query.dimensions ?? EMBEDDING_DIMENSIONS
  const embedding = vectorParam(query.embedding, dimensions)
  const text = cleanText(query.text)
  const depth = Math.max(opts.candidateDepth, k)
  const scope = scopeOf(subject)
  const cache = cachesFor(db, opts.countCacheTtlMs)
  const read = <T>(fn: (tx: Tx) => Promise<T>) => withPrincipal(db, scope, fn, 'app', SEARCH_SETTINGS)

  const groups = await cache.through(scope.tenantId, () => withTenant(db, scope.tenantId, 'ingest', repo.tenantAccessGroups))
  const { visible: byLevel, tenant: tenantByLevel } = countsFor(groups, subject, scope)
  const tenantChunks = tenantByLevel.reduce((sum, n) => sum + n, 0)
  const reachable = byLevel.slice(0, repo.levelsFor(scope, seams).length)
  const visible = reachable.reduce((sum, n) => sum + n, 0)
  const plan = planLevels(reachable, tenantByLevel, opts)

  const [vector, textList] = await Promise.all([
    read((tx) => vectorLeg(tx, scope, { embedding, dimensions }, depth, plan, opts, graphPrecision(db.engine), seams)),
    text ? read((tx) => repo.textCandidates(tx, scope, text, depth, visible < TEXT_OVER_VISIBLE_BELOW ? 'visible' : 'all', seams)) : [],
  ])
  const fused = fuseReciprocalRank(vector.list.map((c) => c.chunkId), textList.map((c) => c.chunkId), k)
  const rows = fused.length === 0
    ? new Map<string, repo.ChunkRow>()
    : new Map((await read((tx) => repo.chunksByIds(tx, scope, fused.map((f) => f.chunkId), seams))).map((r) => [r.chunkId, r]))
  const results = fused.flatMap((f) => {
    const row = rows.get(f.chunkId)
    return row ? [present(row, f.score)] : []
  })
  return {
    results,
    route: vector.route,
    visibleCount: visible,
    candidatesDenied: Math.max(0, tenantChunks - visible),
  }
}

/**
 * The vector list: the plan's HNSW levels through their indexes, then its exact levels (with any HNSW level whose
 * scan came back short, needsExactFallback) scored exactly, merged with the HNSW candidates' siblings.
 */
async function vectorLeg(
  tx: Tx, scope: AccessScope, query: { embedding: string; dimensions: number }, depth: number, planned: LevelPlan,
  opts: RetrievalOptions, precision: GraphPrecision, seams: repo.RepoSeams,
): Promise<{ list: repo.VectorCandidate[]; route: Route }> {
  const { embedding, dimensions } = query
  const exactLevels = [...planned.exact]
  let approximate: repo.HnswCandidate[] = []
  if (planned.hnsw.length > 0) {
    await repo.useHnswScan(tx, opts)
    approximate = await repo.vectorCandidatesHnsw(tx, scope, embedding, dimensions, depth, precision, seams, planned.hnsw)
    const short = planned.hnsw.filter((level) => needsExactFallback(approximate.filter((c) => c.level === level).length, depth))
    if (short.length > 0) {
      approximate = approximate.filter((c) => !short.includes(c.level))
      exactLevels.push(...short)
    }
    await repo.usePlannerDefaults(tx)
  }
  const exactList = exactLevels.length > 0 ? await repo.vectorCandidatesExact(tx, scope, embedding, depth, seams, exactLevels) : []
  if (approximate.length === 0) return { list: exactList, route: 'exact' }
  return { list: await withSiblings(tx, scope, embedding, approximate, exactList, depth, opts.siblingLimit, seams), route: 'hnsw' }
}

/**
 * The HNSW candidates and the exactly scored levels' candidates, merged with exact scores for the other chunks of the
 * HNSW candidates' documents (vectorCandidatesOfDocuments). All lists carry the same exact distance, so the merge is
 * a sort; a chunk in several lists appears once.
 */
async function withSiblings(
  tx: Tx, scope: AccessScope, embedding: string, approximate: repo.HnswCandidate[], exact: repo.VectorCandidate[], depth: number,
  limit: number, seams: repo.RepoSeams,
): Promise<repo.VectorCandidate[]> {
  const documents = [...new Set(approximate.map((c) => c.documentId))]
  const siblings = limit > 0 ? await repo.vectorCandidatesOfDocuments(tx, scope, embedding, documents, depth, limit, seams) : []
  const merged = new Map<string, repo.VectorCandidate>()
  for (const c of [...approximate, ...exact, ...siblings]) merged.set(c.chunkId, { chunkId: c.chunkId, distance: c.distance })
  return [...merged.values()].sort(repo.byDistance).slice(0, depth)
}

function present(row: repo.ChunkRow, score: number): SearchHit {
  return {
    documentId: row.documentId, chunkId: row.chunkId, title: row.title,
    classification: classificationAt(row.classification), departments: row.departments, text: row.text, score,
    page: row.page, headingPath: row.headingPath, instructionFlagged: row.instructionFlagged,
  }
}

function cachesFor(db: Database, ttlMs: number): CountCache<AccessGroup[]> {
  let byTtl = caches.get(db)
  if (!byTtl) {
    byTtl = new Map()
    caches.set(db, byTtl)
  }
  let cache = byTtl.get(ttlMs)
  if (!cache) {
    cache = new CountCache<AccessGroup[]>(ttlMs)
    byTtl.set(ttlMs, cache)
  }
  return cache
}

function checkK(k: number): number {
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) throw new BadRequestError('invalid_k', `k must be an integer in 1..${MAX_K}`)
  return k
}

/** The embedding as a pgvector literal; refuses wrong sizes, non-finite values and the zero vector (no direction). */
function vectorParam(input: readonly number[], dimensions: number): string {
  const v = Array.from(input ?? [])
  if (v.length !== dimensions) {
    throw new BadRequestError('invalid_embedding', `embedding must have ${dimensions} dimensions`)
  }
  if (!v.every((x) => typeof x === 'number' && Number.isFinite(x)) || !v.some((x) => x !== 0)) {
    throw new BadRequestError('invalid_embedding', 'embedding must be finite and not all zero')
  }
  if (v.some((x) => Math.abs(x) > MAX_EMBEDDING_COMPONENT)) {
    throw new BadRequestError('invalid_embedding', `embedding values must lie within ±${MAX_EMBEDDING_COMPONENT} (half precision)`)
  }
  return `[${v.join(',')}]`
}

/**
 * Query text as full-text search receives it. NUL cannot travel to PostgreSQL and other control characters carry
 * no meaning for a search, so they become spaces. Runs of minus signs (websearch negation) collapse to one:
 * PostgreSQL's tsquery parser fails with "tsquery stack too small" (XX000) on more than 32 consecutive NOTs, and a
 * double negation means nothing to websearch syntax anyway. Everything else (quotes, OR, any Unicode) goes as a
 * bound parameter to websearch_to_tsquery, which accepts any other input without syntax errors.
 */
function cleanText(text: string): string {
  if (typeof text !== 'string') throw new BadRequestError('invalid_query', 'query text must be a string')
  if (text.length > MAX_QUERY_CHARS) throw new BadRequestError('query_too_long', `query text is limited to ${MAX_QUERY_CHARS} characters`)
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/-(?:[^\p{L}\p{N}"-]*-)+/gu, '-')
    .trim()
}
