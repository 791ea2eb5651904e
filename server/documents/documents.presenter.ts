import { classificationAt } from '../policy/levels.ts'
import type { DocumentRow } from './documents.repo.ts'

/** A document as the admin API shows it: metadata, finding counts and chunk count, never text. */
export function presentDocument(d: DocumentRow) {
  return {
    id: d.documentId,
    title: d.title,
    source: d.source,
    format: d.format,
    byteSize: d.byteSize,
    contentHash: d.contentHash,
    classification: classificationAt(d.classification),
    departments: d.departments,
    allow: d.allowedPrincipals,
    status: d.quarantined ? 'quarantined' : 'active',
    findings: d.findings,
    chunkCount: d.chunkCount,
    createdBy: d.createdBy,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  }
}

/** The outcome of an upload. */
export function presentIngest(r: { status: string; documentId?: string; chunks: number; findings: Record<string, number> }) {
  return { status: r.status, documentId: r.documentId ?? null, chunks: r.chunks, findings: r.findings }
}
