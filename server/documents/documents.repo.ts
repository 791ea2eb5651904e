import type { Tx } from '../db/tx.ts'

/** A document row as the ingest role reads it: metadata only, never chunk text. */
export interface DocumentRow {
  documentId: string
  title: string
  source: string
  contentHash: string
  format: string
  byteSize: number
  classification: number
  departments: string[]
  allowedPrincipals: string[]
  quarantined: boolean
  findings: Record<string, number>
  chunkCount: number
  createdBy: string
  createdAt: Date
  updatedAt: Date
}

export interface DocumentFilter {
  classification?: number
  quarantined?: boolean
  department?: string
}

const COLUMNS = `document_id, title, source, content_hash, format, byte_size, classification, departments,
  allowed_principals, quarantined, findings, chunk_count, created_by, created_at, updated_at`

function toRow(r: Record<string, unknown>): DocumentRow {
  return {
    documentId: r.document_id as string, title: r.title as string, source: r.source as string,
    contentHash: r.content_hash as string, format: r.format as string, byteSize: r.byte_size as number,
    classification: r.classification as number, departments: r.departments as string[],
    allowedPrincipals: r.allowed_principals as string[], quarantined: r.quarantined as boolean,
    findings: r.findings as Record<string, number>, chunkCount: r.chunk_count as number,
    createdBy: r.created_by as string, createdAt: r.created_at as Date, updatedAt: r.updated_at as Date,
  }
}

export async function findDocumentById(tx: Tx, tenantId: string, documentId: string): Promise<DocumentRow | undefined> {
  const { rows } = await tx.query(`SELECT ${COLUMNS} FROM documents WHERE tenant_id = $1 AND document_id = $2`, [
    tenantId,
    documentId,
  ])
  return rows[0] ? toRow(rows[0]) : undefined
}

/** Deletes the document; its chunks go with it (ON DELETE CASCADE). */
export async function deleteDocument(tx: Tx, tenantId: string, documentId: string): Promise<boolean> {
  const { rowCount } = await tx.query(`DELETE FROM documents WHERE tenant_id = $1 AND document_id = $2`, [
    tenantId,
    documentId,
  ])
  return (rowCount ?? 0) > 0
}

/** Sets the quarantine flag on the document and on every chunk's copy of it; call inside one transaction. */
export async function setQuarantined(tx: Tx, tenantId: string, documentId: string, quarantined: boolean, now: Date) {
  const doc = await tx.query(
    `UPDATE documents SET quarantined = $3, updated_at = $4 WHERE tenant_id = $1 AND document_id = $2`,
    [tenantId, documentId, quarantined, now],
  )
  const chunks = await tx.query(`UPDATE chunks SET quarantined = $3 WHERE tenant_id = $1 AND document_id = $2`, [
    tenantId,
    documentId,
    quarantined,
  ])
  return { documents: doc.rowCount ?? 0, chunks: chunks.rowCount ?? 0 }
}

/**
 * One page of the tenant's documents, newest first, keyset-paged on (created_at, document_id): `after` is the last
 * row of the previous page. Returns one row more than `limit` so the caller knows whether another page exists.
 */
export async function listDocuments(
  tx: Tx,
  tenantId: string,
  filter: DocumentFilter,
  page: { limit: number; after?: { createdAt: Date; documentId: string } },
): Promise<DocumentRow[]> {
  const { rows } = await tx.query(
    `SELECT ${COLUMNS} FROM documents
     WHERE tenant_id = $1
       AND ($2::smallint IS NULL OR classification = $2)
       AND ($3::boolean IS NULL OR quarantined = $3)
       AND ($4::text IS NULL OR $4 = ANY (departments))
       AND ($5::timestamptz IS NULL OR (created_at, document_id) < ($5, $6::uuid))
     ORDER BY created_at DESC, document_id DESC
     LIMIT $7`,
    [
      tenantId, filter.classification ?? null, filter.quarantined ?? null, filter.department ?? null,
      page.after?.createdAt ?? null, page.after?.documentId ?? null, page.limit + 1,
    ],
  )
  return rows.map(toRow)
}

/** Whether the tenant has any document at all. */
export async function hasDocuments(tx: Tx, tenantId: string): Promise<boolean> {
  const { rows } = await tx.query(`SELECT EXISTS (SELECT 1 FROM documents WHERE tenant_id = $1) AS present`, [tenantId])
  return rows[0]?.present === true
}
