import { toPgArray, type Tx } from '../db/tx.ts'

/** Attributes every chunk copies from its document, so retrieval filters without a join (migrations/0002). */
export interface ChunkDocumentAttributes {
  documentId: string
  title: string
  classification: number
  departments: readonly string[]
  allowedPrincipals: readonly string[]
  quarantined: boolean
  embeddingModel: string
}

export interface NewChunk {
  ordinal: number
  headingPath: readonly string[]
  page: number | undefined
  text: string
  /** pgvector text form, `[x,y,...]`. */
  embedding: string
  instructionFlagged: boolean
}

/** Rows per statement: large enough to amortize round trips, small enough to keep each message a few MB. */
export const CHUNK_INSERT_BATCH = 500

/**
 * Inserts a document's chunks with one multi-row statement per batch: per-row values travel as parallel arrays
 * through unnest, the attributes shared by every row as scalars. Heading paths travel as array literals because
 * unnest would flatten a two-dimensional array.
 */
export async function insertChunks(tx: Tx, tenantId: string, doc: ChunkDocumentAttributes, chunks: readonly NewChunk[]) {
  for (let start = 0; start < chunks.length; start += CHUNK_INSERT_BATCH) {
    const batch = chunks.slice(start, start + CHUNK_INSERT_BATCH)
    await tx.query(
      `INSERT INTO chunks (tenant_id, document_id, ordinal, title, heading_path, page, text, embedding, embedding_model,
                           classification, departments, allowed_principals, quarantined, instruction_flagged)
       SELECT $1, $2, u.ordinal, $3, u.heading_path::text[], u.page, u.text, u.embedding::vector, $4, $5, $6::text[],
              $7::text[], $8, u.flagged
       FROM unnest($9::int[], $10::text[], $11::int[], $12::text[], $13::text[], $14::bool[])
         AS u(ordinal, heading_path, page, text, embedding, flagged)`,
      [
        tenantId, doc.documentId, doc.title, doc.embeddingModel, doc.classification, doc.departments,
        doc.allowedPrincipals, doc.quarantined,
        batch.map((c) => c.ordinal),
        batch.map((c) => toPgArray(c.headingPath)),
        batch.map((c) => c.page ?? null),
        batch.map((c) => c.text),
        batch.map((c) => c.embedding),
        batch.map((c) => c.instructionFlagged),
      ],
    )
  }
}
