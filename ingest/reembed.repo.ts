import type { Tx } from '../server/db/tx.ts'
import type { GraphPrecision } from '../server/retrieval/graph-precision.ts'
import { countChunksByLevel, createVectorIndex, VECTOR_INDEXES } from './vector-index-definition.ts'

/** The HNSW indexes of migrations/0015 and 0018, dropped before a re-embed and recreated after it at the column's length. */
async function dropVectorIndexes(tx: Tx): Promise<void> {
  for (const { name } of VECTOR_INDEXES) await tx.query(`DROP INDEX IF EXISTS ${name}`)
}

export interface ChunkToEmbed {
  tenantId: string
  chunkId: string
  title: string
  headingPath: string[]
  text: string
}

/** Whether the current (owner) role sees every row despite FORCE ROW LEVEL SECURITY. */
export async function ownerBypassesRls(tx: Tx): Promise<boolean> {
  const { rows } = await tx.query<{ ok: boolean }>(
    `SELECT (rolsuper OR rolbypassrls) AS ok FROM pg_roles WHERE rolname = current_user`,
  )
  return rows[0]?.ok === true
}

/**
 * Changes chunks.embedding to `vector(dimensions)`. Existing vectors cannot be converted, so they become NULL (the
 * column accepts NULL until {@link finishColumn}) and every row is left for re-embedding; the HNSW indexes go too.
 * A type change resets the column's storage to the type's default (EXTERNAL for pgvector), so MAIN (migrations/0013)
 * is set again: otherwise every vector of the new size would be read through TOAST.
 */
export async function resizeColumn(tx: Tx, dimensions: number): Promise<void> {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 16000) throw new RangeError('invalid dimensions')
  await dropVectorIndexes(tx)
  await tx.query(`ALTER TABLE chunks ALTER COLUMN embedding DROP NOT NULL`)
  await tx.query(`ALTER TABLE chunks ALTER COLUMN embedding TYPE vector(${dimensions}) USING NULL, ALTER COLUMN embedding SET STORAGE MAIN`)
}

export async function dropIndex(tx: Tx): Promise<void> {
  await dropVectorIndexes(tx)
}

/**
 * Restores NOT NULL and the HNSW indexes, each built for its level's size (vector-index-definition.ts
 * efConstructionFor); idempotent, so an interrupted run finishes on the next one.
 */
export async function finishColumn(tx: Tx, precision: GraphPrecision): Promise<void> {
  await tx.query(`ALTER TABLE chunks ALTER COLUMN embedding SET NOT NULL`)
  const chunks = await countChunksByLevel(tx)
  for (const index of VECTOR_INDEXES) await createVectorIndex(tx, index, precision, chunks[index.level] ?? 0)
}

/** Chunks still to re-embed: those of another model, or without a vector (after a resize). */
export async function countPending(tx: Tx, model: string): Promise<number> {
  const { rows } = await tx.query<{ n: string }>(
    `SELECT count(*) AS n FROM chunks WHERE embedding_model IS DISTINCT FROM $1 OR embedding IS NULL`,
    [model],
  )
  return Number(rows[0]?.n ?? 0)
}

/** The next pending chunks after the (tenant_id, chunk_id) cursor, walking the primary key. */
export async function nextPending(
  tx: Tx,
  model: string,
  after: { tenantId: string; chunkId: string } | null,
  limit: number,
): Promise<ChunkToEmbed[]> {
  const { rows } = await tx.query(
    `SELECT tenant_id, chunk_id, title, heading_path, text FROM chunks
     WHERE ($2::text IS NULL OR (tenant_id, chunk_id) > ($2, $3::uuid))
       AND (embedding_model IS DISTINCT FROM $1 OR embedding IS NULL)
     ORDER BY tenant_id, chunk_id LIMIT $4`,
    [model, after?.tenantId ?? null, after?.chunkId ?? null, limit],
  )
  return rows.map((r) => ({
    tenantId: r.tenant_id, chunkId: r.chunk_id, title: r.title, headingPath: r.heading_path, text: r.text,
  }))
}

/** Writes new vectors (pgvector text form) and the model id, one statement per batch. */
export async function writeEmbeddings(tx: Tx, model: string, rows: ReadonlyArray<{ tenantId: string; chunkId: string; embedding: string }>) {
  await tx.query(
    `UPDATE chunks c SET embedding = u.embedding::vector, embedding_model = $1
     FROM unnest($2::text[], $3::uuid[], $4::text[]) AS u(tenant_id, chunk_id, embedding)
     WHERE c.tenant_id = u.tenant_id AND c.chunk_id = u.chunk_id`,
    [model, rows.map((r) => r.tenantId), rows.map((r) => r.chunkId), rows.map((r) => r.embedding)],
  )
}

