import { createHash } from 'node:crypto'
import { appendAudit } from '../server/audit/audit.service.ts'
import { withTenant } from '../server/db/tx.ts'
import { findDocumentBySource } from '../server/documents/documents.repo.ts'
import { tenantScanPolicy } from '../server/documents/tenant-settings.repo.ts'
import { AppError, BadRequestError } from '../server/errors.ts'
import { chunkDocument } from './chunk/chunk.ts'
import { embedInBatches, embeddingInput } from './embed.ts'
import { sameAttributes, validateAttributes } from './attributes.ts'
import { sortedCounts, totalFindings } from './findings.ts'
import { DEFAULT_PARSE_LIMITS, parseDocument } from './parse/parse.ts'
import { effectivePolicy, flagInstructions, scanDocument } from './scan-document.ts'
import { storeDocument } from './store.ts'
import type { IngestDeps, IngestInput, IngestResult } from './types.ts'

export type { IngestDeps, IngestInput, IngestResult, IngestStatus } from './types.ts'

/**
 * Ingests one file: validate attributes → sha256 → dedupe → parse → normalize and scan → apply the tenant's scan
 * policy (flag | redact | quarantine; secrets are always redacted) → chunk → flag chunks that read as planted
 * instructions → embed in batches → store in one transaction with its audit entries.
 *
 * A problem with the file or its attributes (any 4xx AppError: parser codes, unknown department, ...) returns
 * `rejected` with its code, is audited as a failed `document.ingest`, and leaves nothing stored. Infrastructure
 * failures (database, embedding provider) are thrown; they too leave nothing stored, because everything is written
 * in the final transaction only.
 */
export async function ingestFile(deps: IngestDeps, input: IngestInput): Promise<IngestResult> {
  const now = deps.now ?? (() => new Date())
  try {
    return await run(deps, input, now)
  } catch (err) {
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
}

async function run(deps: IngestDeps, input: IngestInput, now: () => Date): Promise<IngestResult> {
  const { config } = deps
  const attrs = validateAttributes(input, config)
  const contentHash = createHash('sha256').update(input.bytes).digest('hex')
  const early = await withTenant(deps.db, input.tenantId, 'ingest', async (tx) => ({
    existing: await findDocumentBySource(tx, input.tenantId, input.source),
    policy: await tenantScanPolicy(tx, input.tenantId),
  }))
  if (early.existing && early.existing.contentHash === contentHash && sameAttributes(early.existing, attrs)) {
    return unchanged(early.existing.documentId, early.existing.chunkCount, early.existing.findings)
  }
  const policy = effectivePolicy(early.policy, config.ingest.scanPolicy)

  const parsed = await parseDocument(input.bytes, {
    fileName: input.fileName,
    limits: { ...DEFAULT_PARSE_LIMITS, maxBytes: config.ingest.maxFileBytes, maxPages: config.ingest.maxPages },
  })
  const scanned = await scanDocument(parsed, policy, attrs.title ?? parsed.title ?? input.source.slice(0, 300))
  const title = scanned.title || input.source.slice(0, 300)
  const chunks = await chunkDocument(scanned.doc, { chunkSize: config.ingest.chunkSize, chunkOverlap: config.ingest.chunkOverlap })
  if (chunks.length === 0) throw new BadRequestError('empty_document', 'the document contains no text')
  const flags = flagInstructions(chunks, scanned.findings)
  const findings = sortedCounts(scanned.findings)
  const quarantined = policy === 'quarantine' && totalFindings(findings) > 0

  const texts = chunks.map((c) => embeddingInput(title, c.headingPath, c.text))
  const vectors = await embedInBatches(deps.embedder, texts, config.embeddings.batchSize)

  const outcome = await storeDocument(deps.db, {
    tenantId: input.tenantId, source: input.source, title, contentHash, format: parsed.format,
    byteSize: input.bytes.length, attrs, quarantined, findings, embeddingModel: deps.embedder.model, actor: input.actor,
    chunks: chunks.map((c, i) => ({
      ordinal: c.ordinal, headingPath: c.headingPath, page: c.page, text: c.text,
      embedding: vectors[i] as string, instructionFlagged: flags[i] === true,
    })),
  }, now())
  if (outcome.status === 'unchanged') return unchanged(outcome.documentId, outcome.chunks, outcome.findings)
  return {
    status: quarantined ? 'quarantined' : outcome.status,
    documentId: outcome.documentId,
    chunks: chunks.length,
    findings,
  }
}

function unchanged(documentId: string, chunks: number, findings: Record<string, number>): IngestResult {
  return { status: 'unchanged', documentId, chunks, findings: sortedCounts(findings) }
}
