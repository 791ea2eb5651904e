import type { AccessScope, Tx } from '../db/tx.ts'
import type { AccessGroup } from './access-groups.ts'
import { accessPredicate } from '../policy/sql.ts'
import { graphDistance, type GraphPrecision } from './graph-precision.ts'

/**
 * TEST SEAM, NEVER FOR PRODUCTION CODE. A repository call whose options carry this symbol key runs WITHOUT the
 * query-side access predicate, leaving row-level security as the only filter. It exists so that
 * test/security/retrieval-leaks.test.ts can prove RLS alone returns only permitted rows. It is a symbol, not a
 * string flag, so no parsed request input (JSON, query string, headers) can ever carry it; only code that imports
 * it can switch the predicate off, and only test/ does.
 */
export const UNSAFE_OMIT_QUERY_PREDICATE: unique symbol = Symbol('strongroom.test.unsafeOmitQueryPredicate')

/** Options of every read below. The only member is the test seam; production callers pass nothing. */
export interface RepoSeams {
  readonly [UNSAFE_OMIT_QUERY_PREDICATE]?: true
}

export interface VectorCandidate {
  chunkId: string
  distance: number
}

/**
 * An HNSW candidate also names its document, so its siblings can be scored (vectorCandidatesOfDocuments), and its
 * level, so a level whose scan came back short can be redone exactly.
 */
export interface HnswCandidate extends VectorCandidate {
  documentId: string
  level: number
}

export interface TextCandidate {
  chunkId: string
  rank: number
}

export interface ChunkRow {
  chunkId: string
  documentId: string
  title: string
  classification: number
  departments: string[]
  text: string
  page: number | null
  headingPath: string[]
  instructionFlagged: boolean
}

/** The access predicate over `alias`, numbered from `$firstParam`; `true` only when the test seam asks. */
function rule(alias: string, scope: AccessScope, firstParam: number, seams: RepoSeams) {
  if (seams[UNSAFE_OMIT_QUERY_PREDICATE] === true) return { text: 'true', values: [] as unknown[] }
  return accessPredicate(alias, scope, firstParam)
}

/**
 * Approximate route over the given classification levels: for each level ORDER BY the level index's expression
 * against the query (graph-precision.ts graphDistance: `embedding::halfvec(n) <=> $1::halfvec(n)` on a server,
 * `embedding <=> $1` where the graphs hold full precision) over that level's chunks, so the planner serves it from the
 * level's partial HNSW index (migrations/0015 and 0018; the literal `classification = n` matches the index predicate,
 * the cast its expression). `dimensions` is the length of `embedding`, which searchChunks has checked. Each index
 * is scanned first and the rule filters afterwards; hnsw.iterative_scan (set by useHnswScan) keeps each scan going
 * until `depth` permitted rows are found.
 * Half-precision graphs order by half-precision distance; the distance returned is always computed at full
 * precision, so candidates are ranked as the exact route ranks them. All levels go in one statement; with
 * relaxed ordering rows may come slightly out of order, so they are sorted here.
 */
export async function vectorCandidatesHnsw(
  tx: Tx, scope: AccessScope, embedding: string, dimensions: number, depth: number, precision: GraphPrecision,
  seams: RepoSeams = {}, levels: readonly number[] = levelsFor(scope, seams),
) {
  if (levels.length === 0) return []
  const p = rule('c', scope, 3, seams)
  const order = graphDistance(precision, dimensions, 'c.embedding', '$1')
  const perLevel = levels.map((level) =>
    `(SELECT c.chunk_id, c.document_id, c.classification, c.embedding <=> $1::vector AS distance FROM chunks c
      WHERE c.classification = ${levelLiteral(level)} AND ${p.text}
      ORDER BY ${order} LIMIT $2::int)`)
  const { rows } = await tx.query<{ chunk_id: string; document_id: string; classification: number; distance: number }>(
    perLevel.join('\nUNION ALL\n'),
    [embedding, depth, ...p.values],
  )
  return rows
    .map((r): HnswCandidate => ({ chunkId: r.chunk_id, documentId: r.document_id, level: r.classification, distance: r.distance }))
    .sort(byDistance)
}

/**
 * The classification levels a search covers, lowest first: those the scope's clearance reaches. Leaving out the
 * levels above it is part of the query-side rule, so the test seam that removes the predicate brings all four back
 * and row-level security alone keeps them out.
 */
export function levelsFor(scope: AccessScope, seams: RepoSeams = {}): number[] {
  const top = seams[UNSAFE_OMIT_QUERY_PREDICATE] === true ? 3 : scope.clearance
  return Array.from({ length: Math.max(0, top + 1) }, (_, i) => i)
}

/** A level as SQL text: only the integers 0 to 3 ever reach a statement. */
function levelLiteral(level: number): string {
  if (!Number.isInteger(level) || level < 0 || level > 3) throw new RangeError(`invalid classification level ${level}`)
  return String(level)
}

/**
 * Exact scores for the chunks of the given documents, best `depth` of them. HNSW graphs leave some chunks
 * unreachable (figures at options.ts siblingLimit); a permitted chunk the graph cannot reach is still found
 * through a sibling of its document that it did reach. Documents are taken in the order given (best candidate first) through
 * the (tenant_id, document_id) chunk index, and at most `limit` chunks are scored, so a very long document costs no
 * more than `limit` distances: the nested loop emits chunks document by document, and the inner LIMIT stops it.
 */
export async function vectorCandidatesOfDocuments(
  tx: Tx, scope: AccessScope, embedding: string, documentIds: readonly string[], depth: number, limit: number, seams: RepoSeams = {},
) {
  if (documentIds.length === 0 || limit <= 0) return []
  const p = rule('c', scope, 5, seams)
  const { rows } = await tx.query<{ chunk_id: string; distance: number }>(
    `SELECT s.chunk_id, s.embedding <=> $1::vector AS distance FROM (
       SELECT v.chunk_id, v.embedding FROM unnest($2::uuid[]) WITH ORDINALITY AS d(document_id, n)
       CROSS JOIN LATERAL (
         SELECT c.chunk_id, c.embedding FROM chunks c WHERE c.document_id = d.document_id AND ${p.text} OFFSET 0) v
       LIMIT $4::int) s
     ORDER BY distance, s.chunk_id LIMIT $3::int`,
    [embedding, documentIds, depth, limit, ...p.values],
  )
  return rows.map((r): VectorCandidate => ({ chunkId: r.chunk_id, distance: r.distance }))
}

/**
 * Exact route over the given classification levels (all the scope reaches by default): every permitted chunk of
 * those levels is scored and the best `depth` kept (recall 1 by construction). The
 * permitted set is reached through the documents table (small, no vectors) and the (tenant_id, document_id)
 * chunk index, so the cost grows with the visible chunks, not the corpus; a sequential scan of chunks reads every
 * TOASTed vector of the tenant. The OFFSET 0 keeps the join a nested loop, and the sort over the join output can
 * never be served by the HNSW index. Chunks must also pass the rule themselves: the document's attributes select,
 * the chunk's copy of them still decides. The distance is computed inside the lateral subquery, so the top-N sort
 * keeps rows of an id and a distance, never the 1.5 kB vector. No window counts the scored rows: count(*) OVER ()
 * buffered every row before the sort (1M chunks, 20,000 scored, back to back: p50 46 ms with it, 38 ms without);
 * the visible count comes from the documents' chunk counts (tenantAccessGroups) instead.
 */
export async function vectorCandidatesExact(
  tx: Tx, scope: AccessScope, embedding: string, depth: number, seams: RepoSeams = {}, levels: readonly number[] = levelsFor(scope, seams),
): Promise<VectorCandidate[]> {
  if (levels.length === 0) return []
  const pc = rule('c', scope, 4, seams)
  const pd = rule('d', scope, 4 + pc.values.length, seams)
  const { rows } = await tx.query<{ chunk_id: string; distance: number }>(
    `SELECT v.chunk_id, v.distance
     FROM documents d
     CROSS JOIN LATERAL (
       SELECT c.chunk_id, c.embedding <=> $1::vector AS distance FROM chunks c
       WHERE c.tenant_id = d.tenant_id AND c.document_id = d.document_id AND ${pc.text} OFFSET 0) v
     WHERE ${pd.text} AND d.classification = ANY ($3::int[])
     ORDER BY v.distance, v.chunk_id LIMIT $2::int`,
    [embedding, depth, levels.map(levelLiteral).map(Number), ...pc.values, ...pd.values],
  )
  return rows.map((r): VectorCandidate => ({ chunkId: r.chunk_id, distance: r.distance }))
}

/**
 * Full-text candidates: `websearch_to_tsquery` accepts any input without syntax errors (quotes, operators and
 * metacharacters are parsed, never executed), ranked by ts_rank_cd with the chunk id as tie-breaker.
 *
 * `over: 'visible'` reaches the permitted chunks through documents, as the exact route does; use it when few
 * chunks are visible. `over: 'all'` searches the tenant's text index. Under row-level security PostgreSQL may use an
 * index for a condition only if its operator is LEAKPROOF, and tsvector @@ tsquery is not, so a plain query could
 * not use the GIN index on tsv for the application role and read every chunk of the tenant. It therefore calls
 * search_chunk_text() (migrations/0011), which applies the rule from the same transaction-local settings as RLS and
 * can use the index; its ids are joined back to chunks, under RLS and with the query-side predicate, so the rule
 * still holds twice. The planner guesses 1000 rows for any set-returning function and would then hash-join against a
 * sequential scan of chunks (40 ms at 20k chunks); OFFSET 0 keeps the join a primary-key lookup per returned id.
 */
export async function textCandidates(
  tx: Tx, scope: AccessScope, text: string, depth: number, over: 'visible' | 'all', seams: RepoSeams = {},
) {
  const pc = rule('c', scope, 3, seams)
  const pd = rule('d', scope, 3 + pc.values.length, seams)
  const sql = over === 'all'
    ? `SELECT f.chunk_id, f.rank FROM search_chunk_text($1::text, $2::int) f
       CROSS JOIN LATERAL (SELECT 1 FROM chunks c WHERE c.chunk_id = f.chunk_id AND ${pc.text} OFFSET 0) c
       ORDER BY f.rank DESC, f.chunk_id`
    : `SELECT v.chunk_id, ts_rank_cd(v.tsv, websearch_to_tsquery('english', $1::text)) AS rank
       FROM documents d
       CROSS JOIN LATERAL (
         SELECT c.chunk_id, c.tsv FROM chunks c
         WHERE c.tenant_id = d.tenant_id AND c.document_id = d.document_id AND ${pc.text} OFFSET 0) v
       WHERE ${pd.text} AND v.tsv @@ websearch_to_tsquery('english', $1::text)
       ORDER BY rank DESC, v.chunk_id LIMIT $2::int`
  const { rows } = await tx.query<{ chunk_id: string; rank: number }>(
    sql,
    over === 'all' ? [text, depth, ...pc.values] : [text, depth, ...pc.values, ...pd.values],
  )
  return rows.map((r): TextCandidate => ({ chunkId: r.chunk_id, rank: r.rank }))
}

/**
 * The tenant's chunks grouped by the document attributes the rule reads (access-groups.ts levelCounts): one pass
 * over the documents table and their chunk counts, no chunk heap access. Run under the tenant-wide ingest role
 * (server/db/tx.ts withTenant), so other tenants' documents are never read. It steers the route only.
 */
export async function tenantAccessGroups(tx: Tx): Promise<AccessGroup[]> {
  const { rows } = await tx.query<{ level: number; departments: string[]; allowed_principals: string[]; quarantined: boolean; n: string }>(
    `SELECT classification AS level, departments, allowed_principals, quarantined, sum(chunk_count) AS n
     FROM documents GROUP BY classification, departments, allowed_principals, quarantined`)
  return rows.map((r) => ({
    level: r.level, departments: r.departments, allowedPrincipals: r.allowed_principals, quarantined: r.quarantined, chunks: Number(r.n),
  }))
}

/**
 * Transaction-local HNSW scan settings (set_config(..., true) is SET LOCAL: they end with the transaction).
 * Explicit sorts are switched off for the transaction: the planner, which sees the rule's bound parameters and
 * guesses the RLS quals, otherwise prefers a (parallel) sequential or bitmap scan plus sort whenever it estimates
 * the filter selective, which at 100k chunks costs 100+ ms. The only sort-free plan is the ordered HNSW scan. The
 * application has already chosen this route by measurement (route.ts); the exact route has its own query.
 */
export async function useHnswScan(tx: Tx, s: { efSearch: number; iterativeScan: 'relaxed_order' | 'strict_order'; maxScanTuples: number }) {
  await tx.query(
    `SELECT set_config('hnsw.ef_search', $1, true), set_config('hnsw.iterative_scan', $2, true),
            set_config('hnsw.max_scan_tuples', $3, true), set_config('enable_sort', 'off', true)`,
    [String(s.efSearch), s.iterativeScan, String(s.maxScanTuples)],
  )
}

/** Undoes the planner setting of useHnswScan for a later query in the same transaction. */
export async function usePlannerDefaults(tx: Tx) {
  await tx.query(`SELECT set_config('enable_sort', 'on', true)`)
}

/** The presented fields of the chosen chunks, filtered by the rule once more. */
export async function chunksByIds(tx: Tx, scope: AccessScope, chunkIds: readonly string[], seams: RepoSeams = {}) {
  if (chunkIds.length === 0) return []
  const p = rule('c', scope, 2, seams)
  const { rows } = await tx.query(
    `SELECT c.chunk_id, c.document_id, c.title, c.classification, c.departments, c.text, c.page, c.heading_path,
            c.instruction_flagged
     FROM chunks c WHERE c.chunk_id = ANY($1::uuid[]) AND ${p.text}`,
    [chunkIds, ...p.values],
  )
  return rows.map((r): ChunkRow => ({
    chunkId: r.chunk_id, documentId: r.document_id, title: r.title, classification: r.classification,
    departments: r.departments, text: r.text, page: r.page, headingPath: r.heading_path,
    instructionFlagged: r.instruction_flagged,
  }))
}

/** Ascending distance, ties by chunk id (the exact route's order). */
export const byDistance = (a: VectorCandidate, b: VectorCandidate) => a.distance - b.distance || (a.chunkId < b.chunkId ? -1 : 1)
