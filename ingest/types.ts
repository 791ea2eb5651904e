import type { Config } from '../server/config.ts'
import type { Database } from '../server/db/pool.ts'
import type { Embedder } from '../server/llm/embeddings.ts'

/** What the pipeline needs; the CLI, the admin API, the demo seed and the tests pass their own. */
export interface IngestDeps {
  db: Database
  embedder: Embedder
  config: Pick<Config, 'ingest' | 'embeddings'>
  /** Clock for created_at/updated_at and audit times; default `new Date()`. */
  now?: () => Date
}

/** One file to ingest, with the access attributes an operator or admin assigned to it. */
export interface IngestInput {
  tenantId: string
  bytes: Buffer
  /** Used for format tie-breaks and the fallback title; never stored in the audit log. */
  fileName: string
  /** Stable identity of the document within the tenant (path or upload name): re-ingesting it replaces it. */
  source: string
  title?: string
  /** Classification name; when absent INGEST_DEFAULT_CLASSIFICATION applies, and if that is unset it is refused. */
  classification?: string
  departments: readonly string[]
  /** `user:<id>` or `group:<name>` entries; empty means no allow-list restriction. */
  allow: readonly string[]
  /** Audit actor: a user id, or `cli:ingest`. */
  actor: string
}

export type IngestStatus = 'added' | 'replaced' | 'unchanged' | 'quarantined' | 'rejected'

export interface IngestResult {
  status: IngestStatus
  documentId?: string
  /** Chunks stored (or already stored, for `unchanged`). */
  chunks: number
  /** Finding counts by type (PII and secret types, PROMPT_INJECTION, HIDDEN_TEXT); never values. */
  findings: Record<string, number>
  /** Why a file was rejected: the stable error code and a message without document content. */
  reason?: { code: string; message: string }
}
