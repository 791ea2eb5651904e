import type { Database } from '../db/pool.ts'
import { withPrincipal, withTenant, type AccessScope, type Tx } from '../db/tx.ts'
import { BadRequestError } from '../errors.ts'
import { classificationAt, type Classification } from '../policy/levels.ts'
import { scopeOf, type Subject } from '../policy/rule.ts'
import { fuseReciprocalRank } from './fusion.ts'
import { resolveOptions, MAX_K, type RetrievalOptions } from './options.ts'
import { chooseRoute, CountCache, needsExactFallback, scopeKey, type Route } from './route.ts'
import * as repo from './search.repo.ts'

export const EMBEDDING_DIMENSIONS = 384
/** Longer text is refused rather than cut: a silently truncated query would search for something else. */
export const MAX_QUERY_CHARS = 2000

export interface SearchQuery {
  text: string
  /** The query embedding (EMBEDDING_DIMENSIONS finite numbers, not all zero), computed by the caller. */
  embedding: readonly number[]
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
  /** Visible chunks: exact when the exact route ran (it scores them all), else the documents' chunk counts. */
  visibleCount: number
}

// One cache pair per database handle, so test databases never see each other's counts.
const caches = new WeakMap<Database, { visible: CountCache; tenant: CountCache; ttlMs: number }>()

/**
 * Filtered hybrid search: the best passages among exactly those the subject may see. Runs in one principal
 * transaction (RLS from transaction-local settings) and every query also carries the rule with bound parameters.
 * `seams` is the test-only switch of search.repo.ts; production callers never pass it.
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
  const embedding = vectorParam(query.embedding)
  const text = cleanText(query.text)
  const depth = Math.max(opts.candidateDepth, k)
  const scope = scopeOf(subject)
  const cache = cachesFor(db, opts.countCacheTtlMs)

  let tenantChunks = cache.tenant.get(scope.tenantId)
  if (tenantChunks === undefined) {
    tenantChunks = await withTenant(db, scope.tenantId, 'ingest', repo.countTenantChunks)
    cache.tenant.set(scope.tenantId, tenantChunks)
  }

  const found = await withPrincipal(db, scope, async (tx) => {
    const key = scopeKey(scope)
    let visible = cache.visible.get(key) ?? (await repo.countVisibleChunks(tx, scope, seams))
    cache.visible.set(key, visible)
    let route = chooseRoute(visible, opts.exactThreshold)
    const textList = text ? await repo.textCandidates(tx, scope, text, depth, route === 'exact' ? 'visible' : 'all', seams) : []
    let vectorList: repo.VectorCandidate[] = []
    if (route === 'hnsw') {
      await repo.useHnswScan(tx, opts)
      const approximate = await repo.vectorCandidatesHnsw(tx, scope, embedding, depth, seams)
      if (needsExactFallback(approximate.length, depth)) route = 'exact'
      else vectorList = await withSiblings(tx, scope, embedding, approximate, depth, opts.siblingLimit, seams)
    }
    if (route === 'exact') {
      const exact = await runExact(tx, scope, embedding, depth, seams)
      vectorList = exact.candidates
      visible = exact.scored
      cache.visible.set(key, visible)
    }
    const fused = fuseReciprocalRank(vectorList.map((c) => c.chunkId), textList.map((c) => c.chunkId), k)
    const rows = new Map((await repo.chunksByIds(tx, scope, fused.map((f) => f.chunkId), seams)).map((r) => [r.chunkId, r]))
    const results = fused.flatMap((f) => {
      const row = rows.get(f.chunkId)
      return row ? [present(row, f.score)] : []
    })
    return { results, route, visible }
  })
  return {
    results: found.results,
    route: found.route,
    visibleCount: found.visible,
    candidatesDenied: Math.max(0, tenantChunks - found.visible),
  }
}

/**
 * The HNSW candidates merged with exact scores for the other chunks of their documents (vectorCandidatesOfDocuments).
 * Both lists carry the same exact distance, so the merge is a sort; a chunk in both lists appears once.
 */
async function withSiblings(
  tx: Tx, scope: AccessScope, embedding: string, approximate: repo.HnswCandidate[], depth: number, limit: number,
  seams: repo.RepoSeams,
): Promise<repo.VectorCandidate[]> {
  if (limit <= 0) return approximate
  const documents = [...new Set(approximate.map((c) => c.documentId))]
  await repo.usePlannerDefaults(tx)
  const siblings = await repo.vectorCandidatesOfDocuments(tx, scope, embedding, documents, depth, limit, seams)
  const merged = new Map<string, repo.VectorCandidate>()
  for (const c of [...approximate, ...siblings]) merged.set(c.chunkId, { chunkId: c.chunkId, distance: c.distance })
  return [...merged.values()].sort(repo.byDistance).slice(0, depth)
}

async function runExact(tx: Tx, scope: AccessScope, embedding: string, depth: number, seams: repo.RepoSeams) {
  await repo.usePlannerDefaults(tx)
  return repo.vectorCandidatesExact(tx, scope, embedding, depth, seams)
}

function present(row: repo.ChunkRow, score: number): SearchHit {
  return {
    documentId: row.documentId, chunkId: row.chunkId, title: row.title,
    classification: classificationAt(row.classification), departments: row.departments, text: row.text, score,
    page: row.page, headingPath: row.headingPath, instructionFlagged: row.instructionFlagged,
  }
}

function cachesFor(db: Database, ttlMs: number) {
  let entry = caches.get(db)
  if (!entry || entry.ttlMs !== ttlMs) {
    entry = { visible: new CountCache(ttlMs), tenant: new CountCache(ttlMs), ttlMs }
    caches.set(db, entry)
  }
  return entry
}

function checkK(k: number): number {
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) throw new BadRequestError('invalid_k', `k must be an integer in 1..${MAX_K}`)
  return k
}

/** The embedding as a pgvector literal; refuses wrong sizes, non-finite values and the zero vector (no direction). */
function vectorParam(input: readonly number[]): string {
  const v = Array.from(input ?? [])
  if (v.length !== EMBEDDING_DIMENSIONS) {
    throw new BadRequestError('invalid_embedding', `embedding must have ${EMBEDDING_DIMENSIONS} dimensions`)
  }
  if (!v.every((x) => typeof x === 'number' && Number.isFinite(x)) || !v.some((x) => x !== 0)) {
    throw new BadRequestError('invalid_embedding', 'embedding must be finite and not all zero')
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
