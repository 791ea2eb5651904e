import type { Tx } from '../server/db/tx.ts'
import { CLASSIFICATIONS, countsByLevel } from '../server/policy/levels.ts'
import { embeddingColumnDimensions } from '../server/retrieval/embedding-status.repo.ts'
import { graphExpression, type GraphPrecision } from '../server/retrieval/graph-precision.ts'

/**
 * What each level's HNSW index is (migrations/0015 and 0018) and how it is built for the level's size. Building,
 * repairing and deferring them is vector-index.ts; reembed recreates them from here too.
 */
export interface VectorIndex {
  level: number
  name: string
}

export const VECTOR_INDEXES: readonly VectorIndex[] = CLASSIFICATIONS.map((_, level) => ({ level, name: `chunks_embedding_l${level}_idx` }))

/**
 * From this many chunks a level's graph is built with {@link LARGE_LEVEL_EF_CONSTRUCTION} candidates per insertion
 * instead of pgvector's default 64. Measured on the 1M-chunk bench corpus (README, Retrieval): with the default,
 * the 99k-chunk level graph left some chunks unreachable from the rest of their neighbourhood (neighbour pruning
 * drops their in-edges), and principals who may see 5% of the chunks lost recall@10 (mean 0.958, minimum 0.5);
 * built with 200, the same graph gave 0.999 and 0.9. Raising m instead (32) did not help. A 9.9k-chunk level
 * reached recall 1.0 at every visible fraction over the benchmark's 100 queries with the default, and the denser
 * build costs about six times as much per chunk, so levels below the size keep the default and their bulk loads
 * stay at ingestion's throughput target.
 */
export const LARGE_LEVEL_CHUNKS = 50_000
export const LARGE_LEVEL_EF_CONSTRUCTION = 200

/** The ef_construction a level of `chunks` rows is built with; undefined: pgvector's default. */
export function efConstructionFor(chunks: number, largeLevelChunks = LARGE_LEVEL_CHUNKS): number | undefined {
  return chunks >= largeLevelChunks ? LARGE_LEVEL_EF_CONSTRUCTION : undefined
}

/**
 * The index over a column of `dimensions` holding `precision` (server/retrieval/graph-precision.ts), built with
 * `efConstruction` (undefined: the default), as pg_get_indexdef prints it (test/api/ingest-bulk.test.ts compares the
 * two). The search's ORDER BY is built from the same graphExpression (graphDistance, used by search.repo.ts
 * vectorCandidatesHnsw).
 */
export function vectorIndexDefinition(index: VectorIndex, dimensions: number, precision: GraphPrecision, efConstruction?: number): string {
  const { expression, opclass } = graphExpression(precision, dimensions)
  const indexed = expression === 'embedding' ? expression : `(${expression})`
  if (efConstruction !== undefined && !(Number.isInteger(efConstruction) && efConstruction >= 4 && efConstruction <= 1000)) {
    throw new RangeError('ef_construction must be an integer from 4 to 1000')
  }
  const options = efConstruction === undefined ? '' : ` WITH (ef_construction='${efConstruction}')`
  return `CREATE INDEX ${index.name} ON public.chunks USING hnsw (${indexed} ${opclass})${options} WHERE (classification = ${index.level})`
}

/**
 * Creates `index` unless it exists, over the column's current length, for a level of `chunks` rows; run as the owner.
 * `as` builds it under another name (a replacement built beside the index in use), failing if that name is taken.
 */
export async function createVectorIndex(
  tx: Tx, index: VectorIndex, precision: GraphPrecision, chunks: number, opts: { largeLevelChunks?: number; as?: string } = {},
): Promise<void> {
  const dimensions = await embeddingColumnDimensions(tx)
  if (dimensions === null) throw new Error('chunks.embedding has no declared length; run the migrations')
  const named = { ...index, name: opts.as ?? index.name }
  const definition = vectorIndexDefinition(named, dimensions, precision, efConstructionFor(chunks, opts.largeLevelChunks))
  // A replacement must be new: IF NOT EXISTS would skip it silently if anything held its name.
  await tx.query(opts.as ? definition : definition.replace('CREATE INDEX', 'CREATE INDEX IF NOT EXISTS'))
}

/** Chunks per level, counted exactly. */
export async function countChunksByLevel(tx: Tx): Promise<number[]> {
  const { rows } = await tx.query<{ level: number; n: string }>(`SELECT classification AS level, count(*) AS n FROM chunks GROUP BY classification`)
  return countsByLevel(rows)
}
