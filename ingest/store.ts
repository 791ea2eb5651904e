import { appendAudit } from '../server/audit/audit.service.ts'
import { ensureTenant } from '../server/auth/session.repo.ts'
import type { Database } from '../server/db/pool.ts'
import { withTenant } from '../server/db/tx.ts'
import { insertChunks, type NewChunk } from '../server/documents/chunks.repo.ts'
import { deleteDocument, findDocumentBySource, insertDocument, lockSource } from '../server/documents/documents.repo.ts'
import { sameAttributes, type DocumentAttributes } from './attributes.ts'
import { findingsAudit } from './findings.ts'

/** Everything the pipeline prepared for one document, ready to be written. */
export interface PreparedDocument {
  tenantId: string
  source: string
  title: string
  contentHash: string
  format: string
  byteSize: number
  attrs: DocumentAttributes
  quarantined: boolean
  findings: Record<string, number>
  chunks: NewChunk[]
  embeddingModel: string
  actor: string
}

export type StoreOutcome =
  | { status: 'unchanged'; documentId: string; chunks: number; findings: Record<string, number> }
  | { status: 'added' | 'replaced'; documentId: string; previousDocumentId?: string }

/**
 * Writes the document in ONE transaction as the ingest role: tenant row, per-source lock, dedupe re-check, delete of
 * the replaced version (its chunks cascade), insert of the new document and all its chunks, audit entries. Anything
 * failing rolls back all of it, so a reader sees the old version or the new one, never a mix or half a document.
 *
 * The dedupe check is repeated under the lock because another ingest of the same source may have committed since
 * the pipeline's early check.
 */
export function storeDocument(db: Database, doc: PreparedDocument, now: Date): Promise<StoreOutcome> {
  const { tenantId } = doc
  return withTenant(db, tenantId, 'ingest', async (tx) => {
    await ensureTenant(tx, tenantId)
    await lockSource(tx, tenantId, doc.source)
    const existing = await findDocumentBySource(tx, tenantId, doc.source)
    if (existing && existing.contentHash === doc.contentHash && sameAttributes(existing, doc.attrs)) {
      return { status: 'unchanged', documentId: existing.documentId, chunks: existing.chunkCount, findings: existing.findings }
    }
    if (existing) await deleteDocument(tx, tenantId, existing.documentId)
    const documentId = await insertDocument(tx, tenantId, {
      title: doc.title, source: doc.source, contentHash: doc.contentHash, format: doc.format, byteSize: doc.byteSize,
      classification: doc.attrs.classification, departments: doc.attrs.departments,
      allowedPrincipals: doc.attrs.allowedPrincipals, quarantined: doc.quarantined, findings: doc.findings,
      chunkCount: doc.chunks.length, createdBy: doc.actor, now,
    })
    await insertChunks(tx, tenantId, {
      documentId, title: doc.title, classification: doc.attrs.classification, departments: doc.attrs.departments,
      allowedPrincipals: doc.attrs.allowedPrincipals, quarantined: doc.quarantined, embeddingModel: doc.embeddingModel,
    }, doc.chunks)
    // Ids, attributes and counts only: titles and sources (file names) must not enter the undeletable audit log.
    const data = {
      documentId,
      ...(existing ? { previousDocumentId: existing.documentId } : {}),
      contentHash: doc.contentHash,
      format: doc.format,
      byteSize: doc.byteSize,
      classification: doc.attrs.classification,
      departments: doc.attrs.departments,
      allowCount: doc.attrs.allowedPrincipals.length,
      chunks: doc.chunks.length,
      quarantined: doc.quarantined,
      ...findingsAudit(doc.findings),
    }
    const type = existing ? 'document.replace' : 'document.ingest'
    await appendAudit(tx, tenantId, { type, actor: doc.actor, outcome: 'success', data }, now)
    if (doc.quarantined) {
      await appendAudit(tx, tenantId, {
        type: 'document.quarantine', actor: doc.actor, outcome: 'success', data: { documentId, ...findingsAudit(doc.findings) },
      }, now)
    }
    return existing
      ? { status: 'replaced', documentId, previousDocumentId: existing.documentId }
      : { status: 'added', documentId }
  })
}
