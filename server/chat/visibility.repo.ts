import type { AccessScope, Tx } from '../db/tx.ts'
import { accessPredicate } from '../policy/sql.ts'

/**
 * Which of `chunkIds` the principal may see now. Run inside withPrincipal: row-level security applies the access
 * rule, and the query carries the same rule as a predicate, as retrieval does.
 */
export async function visibleChunkIds(tx: Tx, scope: AccessScope, chunkIds: readonly string[]): Promise<Set<string>> {
  if (chunkIds.length === 0) return new Set()
  const p = accessPredicate('c', scope, 2)
  const { rows } = await tx.query<{ chunk_id: string }>(
    `SELECT c.chunk_id FROM chunks c WHERE c.chunk_id = ANY($1::uuid[]) AND ${p.text}`,
    [chunkIds, ...p.values],
  )
  return new Set(rows.map((r) => r.chunk_id))
}
