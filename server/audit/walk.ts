import type { Tx } from '../db/tx.ts'
import type { ChainHead, CheckpointRow } from './audit.repo.ts'
import { readEntries } from './chain.repo.ts'
import { checkpointProblem, type CheckpointVerifier } from './checkpoint.ts'
import { diagnoseBreak, type ChainProblem } from './diagnose.ts'
import { GENESIS_HASH, hashMatches } from './hash.ts'

export interface WalkOptions {
  /** A trusted point to continue from (a previous checkpoint); default the genesis, before entry 1. */
  start?: ChainHead
  /** Checkpoints after `start`, oldest first; read before the entries so a newer one cannot outrun them. */
  checkpoints: readonly CheckpointRow[]
  /** null: checkpoint hashes are compared but signatures are not checked. */
  verifiers: readonly CheckpointVerifier[] | null
  /** Rows per query, so a long chain never sits in memory at once. */
  batchSize?: number
  /**
   * Stop after about this many entries (at a batch boundary) with `more: true`, so a caller can continue from `head`
   * in a fresh transaction instead of holding one open over the whole chain.
   */
  maxEntries?: number
}

export interface WalkResult {
  /** Entries verified after `start`. */
  count: number
  /** The last verified entry (or `start`). */
  head: ChainHead
  problem?: ChainProblem
  /** True when the walk stopped at maxEntries before the chain's end; pass `head` as the next `start`. */
  more?: boolean
}

/**
 * Walks one tenant's chain from `start` in seq order and stops at the first problem: a seq gap, an entry whose hash
 * does not match its content or whose prev_hash is not the previous entry's hash, a checkpoint the chain contradicts,
 * or a checkpoint beyond the chain's end.
 */
export async function walkChain(tx: Tx, tenantId: string, opts: WalkOptions): Promise<WalkResult> {
  const batchSize = opts.batchSize ?? 5000
  let head: ChainHead = opts.start ?? { seq: 0, hash: GENESIS_HASH }
  let count = 0
  const checkpoints = opts.checkpoints.filter((cp) => cp.seq > head.seq)
  let next = 0
  for (;;) {
    const batch = await readEntries(tx, tenantId, head.seq, batchSize)
    for (const row of batch) {
      if (row.seq !== head.seq + 1) {
        const missing = row.seq - 1 === head.seq + 1 ? `entry ${head.seq + 1} is` : `entries ${head.seq + 1}..${row.seq - 1} are`
        return { count, head, problem: { seq: head.seq + 1, kind: 'deleted', detail: `${missing} missing` } }
      }
      const ownHashValid = hashMatches(row.prevHash, row, row.hash)
      if (!ownHashValid || !row.prevHash.equals(head.hash)) {
        return { count, head, problem: await diagnoseBreak(tx, tenantId, head, row, ownHashValid) }
      }
      head = { seq: row.seq, hash: row.hash }
      count++
      const cp = checkpoints[next]
      if (cp?.seq === row.seq) {
        next++
        const problem = await checkpointProblem(cp, row.hash, opts.verifiers)
        if (problem) return { count, head, problem }
      }
    }
    if (batch.length < batchSize) break
    if (opts.maxEntries !== undefined && count >= opts.maxEntries) return { count, head, more: true }
  }
  const beyond = checkpoints[next]
  if (beyond) {
    const detail = `the chain ends at entry ${head.seq} but a checkpoint was signed at entry ${beyond.seq}: the tail was removed`
    return { count, head, problem: { seq: head.seq + 1, kind: 'truncated', detail } }
  }
  return { count, head }
}
