import type { Config, ScanPolicy } from '../server/config.ts'
import { BadRequestError } from '../server/errors.ts'
import { chunkDocument } from './chunk/chunk.ts'
import { sortedCounts, totalFindings, type FindingCounts } from './findings.ts'
import { DEFAULT_PARSE_LIMITS, parseDocument } from './parse/parse.ts'
import { flagInstructions, scanDocument } from './scan-document.ts'

/** One file's CPU work order: plain data, so it can cross to a worker thread (ingest/prepare-pool.ts). */
export interface PrepareTask {
  bytes: Uint8Array
  fileName: string
  source: string
  /** The operator's title; when absent the parsed title, else the source, is used. */
  title: string | undefined
  policy: ScanPolicy
  limits: Pick<Config['ingest'], 'chunkSize' | 'chunkOverlap' | 'maxFileBytes' | 'maxPages'>
}

export interface PreparedChunk {
  ordinal: number
  headingPath: string[]
  page: number | undefined
  text: string
  instructionFlagged: boolean
}

/** What the file holds once parsed, scanned, redacted and chunked; plain data again. */
export interface PreparedContent {
  format: string
  title: string
  chunks: PreparedChunk[]
  /** Counts by type, sorted; never values. */
  findings: FindingCounts
  quarantined: boolean
}

/**
 * The CPU-bound middle of the pipeline, with no I/O: parse → normalize and scan → apply the scan policy → chunk →
 * flag chunks that read as planted instructions. Everything that is stored, embedded or shown comes out of here
 * already scanned, so running it on another thread changes nothing about what is stored. A problem with the file
 * throws a BadRequestError with a stable code.
 */
export async function prepareContent(task: PrepareTask): Promise<PreparedContent> {
  const bytes = Buffer.isBuffer(task.bytes) ? task.bytes : Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength)
  const parsed = await parseDocument(bytes, {
    fileName: task.fileName,
    limits: { ...DEFAULT_PARSE_LIMITS, maxBytes: task.limits.maxFileBytes, maxPages: task.limits.maxPages },
  })
  const fallbackTitle = task.source.slice(0, 300)
  const scanned = await scanDocument(parsed, task.policy, task.title ?? parsed.title ?? fallbackTitle)
  const chunks = await chunkDocument(scanned.doc, { chunkSize: task.limits.chunkSize, chunkOverlap: task.limits.chunkOverlap })
  if (chunks.length === 0) throw new BadRequestError('empty_document', 'the document contains no text')
  const flags = flagInstructions(chunks, scanned.findings)
  const findings = sortedCounts(scanned.findings)
  return {
    format: parsed.format,
    title: scanned.title || fallbackTitle,
    chunks: chunks.map((c, i) => ({
      ordinal: c.ordinal, headingPath: c.headingPath, page: c.page, text: c.text, instructionFlagged: flags[i] === true,
    })),
    findings,
    quarantined: task.policy === 'quarantine' && totalFindings(findings) > 0,
  }
}
