import path from 'node:path'
import { appendAudit } from '../audit/audit.service.ts'
import type { Principal } from '../auth/principal.ts'
import type { Database } from '../db/pool.ts'
import { withTenant } from '../db/tx.ts'
import { AppError, BadRequestError, ConflictError, NotFoundError } from '../errors.ts'
import { levelOf } from '../policy/levels.ts'
import { deleteDocument, findDocumentById, listDocuments, setQuarantined, type DocumentRow } from './documents.repo.ts'
import type { ListQuery, UploadFields } from './documents.schema.ts'
import { ingestFile, type IngestDeps, type IngestResult } from './ingest-adapter.ts'

export interface UploadedFile {
  bytes: Buffer
  /** Client-supplied name: untrusted, used for the default source, the fallback title and format tie-breaks. */
  originalName: string
}

/**
 * Runs the ingest pipeline for an admin upload into the admin's own tenant (an admin never picks the tenant: it is
 * the principal's). A rejected file becomes a 4xx error carrying the pipeline's code; 413 for an oversized one.
 */
export async function uploadDocument(deps: IngestDeps, principal: Principal, file: UploadedFile, fields: UploadFields): Promise<IngestResult> {
  const name = path.basename(file.originalName.replaceAll('\\', '/')).slice(0, 255) || 'upload'
  const result = await ingestFile(deps, {
    tenantId: principal.tenantId,
    bytes: file.bytes,
    fileName: name,
    source: fields.source ?? `upload:${name}`,
    departments: fields.department,
    allow: fields.allow,
    actor: principal.userId,
    ...(fields.classification === undefined ? {} : { classification: fields.classification }),
    ...(fields.title === undefined ? {} : { title: fields.title }),
  })
  if (result.status === 'rejected') {
    const reason = result.reason ?? { code: 'document_rejected', message: 'the document was rejected' }
    const status = reason.code === 'file_too_large' ? 413 : 400
    throw new AppError(reason.code, reason.message, { status })
  }
  return result
}

export interface DocumentPage {
  items: DocumentRow[]
  nextCursor: string | null
}

export async function listTenantDocuments(db: Database, principal: Principal, q: ListQuery): Promise<DocumentPage> {
  const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor)
  const filter = {
    ...(q.classification === undefined ? {} : { classification: levelOf(q.classification) }),
    ...(q.status === undefined ? {} : { quarantined: q.status === 'quarantined' }),
    ...(q.department === undefined ? {} : { department: q.department }),
  }
  const rows = await withTenant(db, principal.tenantId, 'ingest', (tx) =>
    listDocuments(tx, principal.tenantId, filter, { limit: q.limit, ...(after ? { after } : {}) }))
  const items = rows.slice(0, q.limit)
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null }
}

/** Deletes a document of the admin's tenant with its chunks, and audits it, in one transaction. */
export async function removeDocument(db: Database, principal: Principal, documentId: string): Promise<void> {
  const { tenantId } = principal
  await withTenant(db, tenantId, 'ingest', async (tx) => {
    const doc = await findDocumentById(tx, tenantId, documentId)
    if (!doc) throw new NotFoundError('document_not_found', 'no such document')
    await deleteDocument(tx, tenantId, documentId)
    await appendAudit(tx, tenantId, {
      type: 'document.delete', actor: principal.userId, outcome: 'success',
      data: { documentId, chunks: doc.chunkCount, classification: doc.classification },
    })
  })
}

/**
 * Releases a quarantined document: the flag is cleared on the document and on every chunk's copy in one
 * transaction with its audit entry, so retrieval never sees a half-released document.
 */
export async function releaseDocument(db: Database, principal: Principal, documentId: string, now = new Date()): Promise<DocumentRow> {
  const { tenantId } = principal
  return withTenant(db, tenantId, 'ingest', async (tx) => {
    const doc = await findDocumentById(tx, tenantId, documentId)
    if (!doc) throw new NotFoundError('document_not_found', 'no such document')
    if (!doc.quarantined) throw new ConflictError('document_not_quarantined', 'the document is not quarantined')
    const changed = await setQuarantined(tx, tenantId, documentId, false, now)
    await appendAudit(tx, tenantId, {
      type: 'document.release', actor: principal.userId, outcome: 'success',
      data: { documentId, chunks: changed.chunks },
    }, now)
    return { ...doc, quarantined: false, updatedAt: now }
  })
}

function encodeCursor(row: DocumentRow): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.documentId}`).toString('base64url')
}

function decodeCursor(cursor: string): { createdAt: Date; documentId: string } {
  const [iso, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  const createdAt = new Date(iso ?? '')
  if (extra !== undefined || Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/.test(id ?? '')) {
    throw new BadRequestError('invalid_request', 'cursor: not a cursor from a previous page')
  }
  return { createdAt, documentId: id as string }
}
