import type { Database } from '../server/db/pool.ts'
import { withOwner } from '../server/db/tx.ts'

/** `npm run ingest`'s --bulk / --no-bulk; without either, the load's size decides. */
export type BulkChoice = 'auto' | 'on' | 'off'

/** Loads estimated below this many chunks keep the index maintained row by row. */
export const BULK_AUTO_MIN_CHUNKS = 2000

/**
 * Rough chunk count of a load, from the files' sizes: consecutive chunks start chunkSize - chunkOverlap characters
 * apart. PDFs and DOCX files hold less text than their size, so the estimate errs towards bulk, which is only a
 * question of speed: both modes store the same rows.
 */
export function estimateChunks(totalBytes: number, chunkSize: number, chunkOverlap: number): number {
  return Math.ceil(totalBytes / Math.max(1, chunkSize - chunkOverlap))
}

/**
 * Bulk mode pays off when the load is large and at least as large as the table: the rebuild then costs about what
 * building the load's own graph costs, far less than inserting into the live graph, and the exact scans that
 * searches fall back to meanwhile read a table no more than about twice the load. Otherwise the index is kept.
 */
export async function useBulk(db: Database, choice: BulkChoice, estimatedChunks: number): Promise<boolean> {
  if (choice !== 'auto') return choice === 'on'
  if (estimatedChunks < BULK_AUTO_MIN_CHUNKS) return false
  const { rows } = await withOwner(db, (tx) => tx.query<{ n: string }>(`SELECT count(*) AS n FROM chunks`))
  return estimatedChunks >= Number(rows[0]?.n ?? 0)
}
