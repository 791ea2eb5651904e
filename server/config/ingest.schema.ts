import { z } from 'zod'
import { CLASSIFICATIONS } from '../policy/levels.ts'
import { positiveInt } from './fields.ts'

const NAME_LIST = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}(,[A-Za-z0-9][A-Za-z0-9._-]{0,63})*$/

/** What ingestion does with a document in which the scanner found something (ingest/scan-policy.ts). */
export const SCAN_POLICIES = ['flag', 'redact', 'quarantine'] as const
export type ScanPolicy = (typeof SCAN_POLICIES)[number]

/** Chunking, size limits, tagging and scanning of ingested documents. */
export const ingestEnv = {
  /** Maximum characters per chunk. */
  INGEST_CHUNK_SIZE: z.coerce.number().int().min(100).max(20_000).default(1000),
  /** Characters repeated between consecutive chunks of a section; must be smaller than INGEST_CHUNK_SIZE. */
  INGEST_CHUNK_OVERLAP: z.coerce.number().int().min(0).default(150),
  /** Largest document accepted by the CLI and the admin upload, in bytes (25 MiB). */
  INGEST_MAX_FILE_BYTES: positiveInt(25 * 1024 * 1024),
  /** Largest PDF accepted, in pages. */
  INGEST_MAX_PAGES: positiveInt(500),
  /** Comma-separated departments a document may be tagged with; anything else is refused at ingest. */
  INGEST_DEPARTMENTS: z.string().regex(NAME_LIST, 'comma-separated names').default('engineering,finance,hr,legal,sales,operations'),
  /**
   * Classification applied to documents ingested without one. Unset (the default): such documents are refused.
   * If set, the most restrictive level (restricted) is recommended, so a forgotten label hides rather than exposes.
   */
  INGEST_DEFAULT_CLASSIFICATION: z.enum(CLASSIFICATIONS).optional(),
  /**
   * Default scan policy (flag | redact | quarantine); a tenant overrides it with tenants.settings.scanPolicy.
   * flag stores text as found and records finding counts; redact replaces PII with typed placeholders; quarantine
   * holds any document with findings until an admin releases it. Secrets are redacted under every policy.
   */
  INGEST_SCAN_POLICY: z.enum(SCAN_POLICIES).default('flag'),
}
