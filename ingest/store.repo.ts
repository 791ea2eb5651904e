import { toPgArray, type Tx } from '../server/db/tx.ts'
import type { DocumentRow } from '../server/documents/documents.repo.ts'
import { encodeTextArray, encodeVectorArray } from './pg-binary.ts'

/**
 * The writer's SQL: every statement covers a whole batch of documents (one round trip each, whatever the batch size),
 * per-row values travel as parallel arrays through unnest, and chunk text and vectors travel in binary.
 */

/** Advisory-lock class for document sources (two-int form, apart from the audit chain's). "DOCS". */
const SOURCE_LOCK_CLASS = 0x444f4353

/** Rows per chunk INSERT: each statement stays a few MB. */
export const CHUNK_ROWS_PER_STATEMENT = 1000

export interface ExistingDocument {
  documentId: string
  source: string
  title: string
  contentHash: string
  classification: number
  departments: string[]
  allowedPrincipals: string[]
  findings: Record<string, number>
  chunkCount: number
}

/** A new document row: the metadata the ingest role reads back (DocumentRow), less the times the insert sets. */
export type DocumentRowToInsert = Omit<DocumentRow, 'departments' | 'allowedPrincipals' | 'createdAt' | 'updatedAt'> & {
  departments: readonly string[]
  allowedPrincipals: readonly string[]
}

/** One document's chunks with the attributes every chunk copies (migrations/0002), and its vectors back to back. */
export interface ChunkRowsToInsert {
  documentId: string
  title: string
  classification: number
  departments: readonly string[]
  allowedPrincipals: readonly string[]
  quarantined: boolean
  chunks: ReadonlyArray<{ ordinal: number; headingPath: readonly string[]; page: number | undefined; text: string; instructionFlagged: boolean }>
  vectors: Float32Array
}

/**
 * Takes the per-source transaction locks of every source in the batch (the same keys as lockSource), in key order so
 * that two batches sharing sources cannot deadlock each other.
 */
export async function lockSources(tx: Tx, tenantId: string, sources: readonly string[]): Promise<void> {
  await tx.query(
    `SELECT count(pg_advisory_xact_lock($1::int, k))
     FROM (SELECT DISTINCT hashtext($2 || '/' || s) AS k FROM unnest($3::text[]) AS s ORDER BY k) AS keys`,
    [SOURCE_LOCK_CLASS, tenantId, sources],
  )
}

export async function findDocumentsBySources(tx: Tx, tenantId: string, sources: readonly string[]) {
  const { rows } = await tx.query(
    `SELECT document_id, source, title, content_hash, classification, departments, allowed_principals, findings, chunk_count
     FROM documents WHERE tenant_id = $1 AND source = ANY ($2::text[])`,
    [tenantId, sources],
  )
  return new Map(rows.map((r): [string, ExistingDocument] => [r.source, {
    documentId: r.document_id, source: r.source, title: r.title, contentHash: r.content_hash,
    classification: r.classification, departments: r.departments, allowedPrincipals: r.allowed_principals,
    findings: r.findings, chunkCount: r.chunk_count,
  }]))
}

/** Deletes the documents; their chunks go with them (ON DELETE CASCADE). */
export async function deleteDocuments(tx: Tx, tenantId: string, documentIds: readonly string[]): Promise<void> {
  if (documentIds.length === 0) return
  await tx.query(`DELETE FROM documents WHERE tenant_id = $1 AND document_id = ANY ($2::uuid[])`, [tenantId, documentIds])
}

export async function insertDocuments(tx: Tx, tenantId: string, docs: readonly DocumentRowToInsert[], now: Date): Promise<void> {
  if (docs.length === 0) return
  await tx.query(
    `INSERT INTO documents (tenant_id, document_id, title, source, content_hash, format, byte_size, classification,
                           departments, allowed_principals, quarantined, findings, chunk_count, created_by, created_at,
                           updated_at)
     SELECT $1, u.id, u.title, u.source, u.hash, u.format, u.bytes, u.cls, u.deps::text[], u.allow::text[], u.q,
            u.findings::jsonb, u.n, u.actor, $2, $2
     FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::smallint[], $10::text[],
                 $11::text[], $12::bool[], $13::text[], $14::int[], $15::text[])
       AS u(id, title, source, hash, format, bytes, cls, deps, allow, q, findings, n, actor)`,
    [
      tenantId, now,
      docs.map((d) => d.documentId), docs.map((d) => d.title), docs.map((d) => d.source), docs.map((d) => d.contentHash),
      docs.map((d) => d.format), docs.map((d) => d.byteSize), docs.map((d) => d.classification),
      docs.map((d) => toPgArray(d.departments)), docs.map((d) => toPgArray(d.allowedPrincipals)),
      docs.map((d) => d.quarantined), docs.map((d) => JSON.stringify(d.findings)), docs.map((d) => d.chunkCount),
      docs.map((d) => d.createdBy),
    ],
  )
}

/**
 * Inserts the chunks of many documents with one statement per CHUNK_ROWS_PER_STATEMENT rows. Per-document
 * attributes travel once per document and are joined to their chunks by position; heading paths and attribute
 * lists travel as array literals because unnest would flatten a two-dimensional array.
 */
export async function insertChunkRows(
  tx: Tx,
  tenantId: string,
  embedding: { model: string; dimensions: number; vectorOid: number },
  docs: readonly ChunkRowsToInsert[],
): Promise<void> {
  const { dimensions } = embedding
  let batch: Array<{ doc: number; c: ChunkRowsToInsert['chunks'][number]; vector: Float32Array }> = []
  const flush = async () => {
    if (batch.length === 0) return
    const docIndexes = [...new Set(batch.map((r) => r.doc))]
    const vectors = new Float32Array(batch.length * dimensions)
    batch.forEach((r, i) => vectors.set(r.vector, i * dimensions))
    const ds = docIndexes.map((i) => docs[i] as ChunkRowsToInsert)
    await tx.query(
      `INSERT INTO chunks (tenant_id, document_id, ordinal, title, heading_path, page, text, embedding, embedding_model,
                           classification, departments, allowed_principals, quarantined, instruction_flagged)
       SELECT $1, d.id, c.ordinal, d.title, c.heading_path::text[], c.page, c.text, c.embedding, $2, d.cls,
              d.deps::text[], d.allow::text[], d.q, c.flagged
       FROM unnest($3::int[], $4::int[], $5::text[], $6::int[], $7::text[], $8::vector[], $9::bool[])
              AS c(doc, ordinal, heading_path, page, text, embedding, flagged)
       JOIN unnest($10::int[], $11::uuid[], $12::text[], $13::smallint[], $14::text[], $15::text[], $16::bool[])
              AS d(doc, id, title, cls, deps, allow, q) USING (doc)`,
      [
        tenantId, embedding.model,
        batch.map((r) => r.doc), batch.map((r) => r.c.ordinal), batch.map((r) => toPgArray(r.c.headingPath)),
        batch.map((r) => r.c.page ?? null), encodeTextArray(batch.map((r) => r.c.text)),
        encodeVectorArray(embedding.vectorOid, vectors, dimensions), batch.map((r) => r.c.instructionFlagged),
        docIndexes, ds.map((d) => d.documentId), ds.map((d) => d.title), ds.map((d) => d.classification),
        ds.map((d) => toPgArray(d.departments)), ds.map((d) => toPgArray(d.allowedPrincipals)), ds.map((d) => d.quarantined),
      ],
    )
    batch = []
  }
  for (const [doc, d] of docs.entries()) {
    if (d.vectors.length !== d.chunks.length * dimensions) throw new RangeError('one vector per chunk is required')
    for (const [i, c] of d.chunks.entries()) {
      batch.push({ doc, c, vector: d.vectors.subarray(i * dimensions, (i + 1) * dimensions) })
      if (batch.length === CHUNK_ROWS_PER_STATEMENT) await flush()
    }
  }
  await flush()
}

/** OID of pgvector's `vector` type in this database, which the binary array header must name. */
export async function vectorTypeOid(tx: Tx): Promise<number> {
  const { rows } = await tx.query<{ oid: number }>(`SELECT 'vector'::regtype::oid::int AS oid`)
  return (rows[0] as { oid: number }).oid
}
