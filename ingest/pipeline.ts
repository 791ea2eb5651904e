import { createHash } from 'node:crypto'
import { appendAudit } from '../server/audit/audit.service.ts'
import { withTenant } from '../server/db/tx.ts'
import { tenantScanPolicy } from '../server/documents/tenant-settings.repo.ts'
import { AppError } from '../server/errors.ts'
import { embeddingInput, embedToFloat32 } from './embed.ts'
import { sameAttributes, validateAttributes, type DocumentAttributes } from './attributes.ts'
import { sortedCounts } from './findings.ts'
import { prepareContent, type PrepareTask, type PreparedContent } from './prepare.ts'
import { effectivePolicy } from './scan-document.ts'
import { findDocumentsBySources, type ExistingDocument } from './store.repo.ts'
import { storeDocuments, type PreparedDocument, type StoreOutcome } from './store.ts'
import type { IngestDeps, IngestInput, IngestResult } from './types.ts'

export type { IngestDeps, IngestInput, IngestResult, IngestStatus } from './types.ts'

/**
 * Ingests one file: validate attributes → sha256 → dedupe → parse → normalize and scan → apply the tenant's scan
 * policy (flag | redact | quarantine; secrets are always redacted) → chunk → flag chunks that read as planted
 * instructions → embed in batches → store in one transaction with its audit entries. Many files at once go through
 * ingest/ingest-many.ts, which runs the same steps pipelined and batched.
 *
 * A problem with the file or its attributes (any 4xx AppError: parser codes, unknown department, ...) returns
 * `rejected` with its code, is audited as a failed `document.ingest`, and leaves nothing stored. Infrastructure
 * failures (database, embedding provider) are thrown; they too leave nothing stored, because everything is written
 * in the final transaction only.
 */
export async function ingestFile(deps: IngestDeps, input: IngestInput): Promise<IngestResult> {
  const now = deps.now ?? (() => new Date())
  try {
    const checked = checkInput(deps, input)
    const early = await lookUpSources(deps, input.tenantId, [input.source])
    const unchanged = unchangedResult(early.existing.get(input.source), checked)
    if (unchanged) return unchanged
    const content = await prepareContent(prepareTask(deps, input, checked.attrs, early.policy))
    const doc = await embedDocument(deps, input, checked, content)
    const [outcome] = await storeDocuments(deps.db, input.tenantId, deps.embedder, [doc], now())
    return storedResult(outcome as StoreOutcome, content)
  } catch (err) {
    return rejectOrThrow(deps, input, err, now)
  }
}

export interface CheckedInput {
  attrs: DocumentAttributes
  contentHash: string
}

/** Attribute validation (throws 4xx AppErrors) and the content hash that makes ingest idempotent. */
export function checkInput(deps: IngestDeps, input: IngestInput): CheckedInput {
  const attrs = validateAttributes(input, deps.config)
  return { attrs, contentHash: createHash('sha256').update(input.bytes).digest('hex') }
}

/** The early dedupe read: the tenant's scan policy and the stored documents of these sources, in one transaction. */
export async function lookUpSources(deps: IngestDeps, tenantId: string, sources: readonly string[]) {
  return withTenant(deps.db, tenantId, 'ingest', async (tx) => ({
    policy: effectivePolicy(await tenantScanPolicy(tx, tenantId), deps.config.ingest.scanPolicy),
    existing: await findDocumentsBySources(tx, tenantId, sources),
  }))
}

/** `unchanged` when the stored document has this content and these attributes already; nothing is parsed then. */
export function unchangedResult(existing: ExistingDocument | undefined, checked: CheckedInput): IngestResult | undefined {
  if (!existing || existing.contentHash !== checked.contentHash || !sameAttributes(existing, checked.attrs)) return undefined
  return { status: 'unchanged', documentId: existing.documentId, chunks: existing.chunkCount, findings: sortedCounts(existing.findings) }
}

export function prepareTask(deps: IngestDeps, input: IngestInput, attrs: DocumentAttributes, policy: PrepareTask['policy']): PrepareTask {
  const { chunkSize, chunkOverlap, maxFileBytes, maxPages } = deps.config.ingest
  return {
    bytes: input.bytes, fileName: input.fileName, source: input.source, title: attrs.title, policy,
    limits: { chunkSize, chunkOverlap, maxFileBytes, maxPages },
  }
}

export async function embedDocument(deps: IngestDeps, input: IngestInput, checked: CheckedInput, content: PreparedContent): Promise<PreparedDocument> {
  const texts = content.chunks.map((c) => embeddingInput(content.title, c.headingPath, c.text))
  return {
    source: input.source, contentHash: checked.contentHash, byteSize: input.bytes.length, attrs: checked.attrs,
    actor: input.actor, content, vectors: await embedToFloat32(deps.embedder, texts, deps.config.embeddings.batchSize),
  }
}

export function storedResult(outcome: StoreOutcome, content: PreparedContent): IngestResult {
  if (outcome.status === 'unchanged') {
    return { status: 'unchanged', documentId: outcome.documentId, chunks: outcome.chunks, findings: sortedCounts(outcome.findings) }
  }
  return {
    status: content.quarantined ? 'quarantined' : outcome.status,
    documentId: outcome.documentId,
    chunks: content.chunks.length,
    findings: content.findings,
  }
}

/** A 4xx AppError becomes an audited `rejected` result; anything else is an infrastructure failure and is rethrown. */
export async function rejectOrThrow(deps: IngestDeps, input: IngestInput, err: unknown, now: () => Date): Promise<IngestResult> {
  if (!(err instanceof AppError) || err.status >= 500) throw err
  // A tenant id that fails validation has no audit chain to write to.
  if (err.code !== 'invalid_tenant') {
    await withTenant(deps.db, input.tenantId, 'ingest', (tx) =>
      appendAudit(tx, input.tenantId, {
        type: 'document.ingest', actor: input.actor, outcome: 'failure',
        data: { reason: err.code, byteSize: input.bytes.length },
      }, now()),
    )
  }
  return { status: 'rejected', chunks: 0, findings: {}, reason: { code: err.code, message: err.message } }
}
