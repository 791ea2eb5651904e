import { randomUUID } from 'node:crypto'
import { appendAuditBatch } from '../server/audit/audit.service.ts'
import type { AuditEvent } from '../server/audit/event.ts'
import { ensureTenant } from '../server/auth/session.repo.ts'
import type { Database } from '../server/db/pool.ts'
import { withTenant } from '../server/db/tx.ts'
import { sameAttributes, type DocumentAttributes } from './attributes.ts'
import { findingsAudit } from './findings.ts'
import type { PreparedContent } from './prepare.ts'
import { deleteDocuments, findDocumentsBySources, insertChunkRows, insertDocuments, lockSources, vectorTypeOid } from './store.repo.ts'

/** Everything the pipeline prepared for one document, ready to be written. */
export interface PreparedDocument {
  source: string
  contentHash: string
  byteSize: number
  attrs: DocumentAttributes
  actor: string
  content: PreparedContent
  /** One vector per chunk, back to back (embedder.dimensions floats each). */
  vectors: Float32Array
}

export type StoreOutcome =
  | { status: 'unchanged'; documentId: string; chunks: number; findings: Record<string, number> }
  | { status: 'added' | 'replaced'; documentId: string; previousDocumentId?: string }

/** The embedding every vector of a batch was made with. */
export interface StoreEmbedding {
  model: string
  dimensions: number
}

// The vector type's OID differs per database; looked up once per database handle.
const vectorOids = new WeakMap<Database, Promise<number>>()

/**
 * Writes a batch of one tenant's documents in ONE transaction as the ingest role: tenant row, per-source locks,
 * dedupe re-check, delete of replaced versions (their chunks cascade), insert of the new documents and all their
 * chunks, one audit entry per document (two when quarantined). Anything failing rolls back all of it, so every
 * document of the batch is stored whole or not at all, and a reader sees an old version or a new one, never a mix.
 * A batch of one is exactly the single-document write; {@link storeEach} splits a failed batch into those.
 *
 * The dedupe check is repeated under the locks because another ingest of the same source may have committed since
 * the pipeline's early check. Sources must be distinct within a batch.
 */
export async function storeDocuments(
  db: Database,
  tenantId: string,
  embedding: StoreEmbedding,
  docs: readonly PreparedDocument[],
  now: Date,
): Promise<StoreOutcome[]> {
  const sources = docs.map((d) => d.source)
  if (new Set(sources).size !== sources.length) throw new RangeError('a batch must not hold the same source twice')
  let vectorOid = vectorOids.get(db)
  if (!vectorOid) {
    vectorOid = withTenant(db, tenantId, 'ingest', vectorTypeOid)
    vectorOids.set(db, vectorOid)
    vectorOid.catch(() => vectorOids.delete(db))
  }
  const oid = await vectorOid
  return withTenant(db, tenantId, 'ingest', async (tx) => {
    await ensureTenant(tx, tenantId)
    await lockSources(tx, tenantId, sources)
    const existing = await findDocumentsBySources(tx, tenantId, sources)
    const outcomes: StoreOutcome[] = []
    const writes: Array<{ doc: PreparedDocument; documentId: string; previousDocumentId: string | undefined }> = []
    for (const doc of docs) {
      const old = existing.get(doc.source)
      if (old && old.contentHash === doc.contentHash && sameAttributes(old, doc.attrs)) {
        outcomes.push({ status: 'unchanged', documentId: old.documentId, chunks: old.chunkCount, findings: old.findings })
        continue
      }
      const write = { doc, documentId: randomUUID(), previousDocumentId: old?.documentId }
      writes.push(write)
      outcomes.push(old
        ? { status: 'replaced', documentId: write.documentId, previousDocumentId: old.documentId }
        : { status: 'added', documentId: write.documentId })
    }
    await deleteDocuments(tx, tenantId, writes.flatMap((w) => (w.previousDocumentId ? [w.previousDocumentId] : [])))
    await insertDocuments(tx, tenantId, writes.map(({ doc, documentId }) => ({
      documentId, title: doc.content.title, source: doc.source, contentHash: doc.contentHash, format: doc.content.format,
      byteSize: doc.byteSize, classification: doc.attrs.classification, departments: doc.attrs.departments,
      allowedPrincipals: doc.attrs.allowedPrincipals, quarantined: doc.content.quarantined, findings: doc.content.findings,
      chunkCount: doc.content.chunks.length, createdBy: doc.actor,
    })), now)
    await insertChunkRows(tx, tenantId, { ...embedding, vectorOid: oid }, writes.map(({ doc, documentId }) => ({
      documentId, title: doc.content.title, classification: doc.attrs.classification, departments: doc.attrs.departments,
      allowedPrincipals: doc.attrs.allowedPrincipals, quarantined: doc.content.quarantined, chunks: doc.content.chunks,
      vectors: doc.vectors,
    })))
    // The chain lock is taken here, last, and held to COMMIT: other writers of the tenant wait only for this tail.
    await appendAuditBatch(tx, tenantId, writes.flatMap((w) => writeEvents(w.doc, w.documentId, w.previousDocumentId)), now)
    return outcomes
  })
}

/**
 * Stores each document in a transaction of its own: after a batch failed, the documents that can be stored are,
 * and each failure stays with its own document.
 */
export async function storeEach(
  db: Database,
  tenantId: string,
  embedding: StoreEmbedding,
  docs: readonly PreparedDocument[],
  now: Date,
): Promise<Array<{ ok: true; outcome: StoreOutcome } | { ok: false; error: unknown }>> {
  const results: Array<{ ok: true; outcome: StoreOutcome } | { ok: false; error: unknown }> = []
  for (const doc of docs) {
    try {
      const [outcome] = await storeDocuments(db, tenantId, embedding, [doc], now)
      results.push({ ok: true, outcome: outcome as StoreOutcome })
    } catch (error) {
      results.push({ ok: false, error })
    }
  }
  return results
}

/** The audit events of one stored document: its ingest or replacement, and its quarantine if it was quarantined. */
function writeEvents(doc: PreparedDocument, documentId: string, previous: string | undefined): AuditEvent[] {
  const { content, attrs } = doc
  // Ids, attributes and counts only: titles and sources (file names) must not enter the undeletable audit log.
  const data = {
    documentId,
    ...(previous ? { previousDocumentId: previous } : {}),
    contentHash: doc.contentHash,
    format: content.format,
    byteSize: doc.byteSize,
    classification: attrs.classification,
    departments: attrs.departments,
    allowCount: attrs.allowedPrincipals.length,
    chunks: content.chunks.length,
    quarantined: content.quarantined,
    ...findingsAudit(content.findings),
  }
  const events: AuditEvent[] = [{ type: previous ? 'document.replace' : 'document.ingest', actor: doc.actor, outcome: 'success', data }]
  if (content.quarantined) {
    events.push({ type: 'document.quarantine', actor: doc.actor, outcome: 'success', data: { documentId, ...findingsAudit(content.findings) } })
  }
  return events
}
