import type { Tx } from '../db/tx.ts'
import type { ChainHead } from './audit.repo.ts'
import { findSeqByHash, findSuccessorSeq, type StoredEntry } from './chain.repo.ts'
import { GENESIS_HASH, hashMatches } from './hash.ts'

export type ProblemKind = 'modified' | 'deleted' | 'inserted' | 'reordered' | 'truncated'

/** The first place a chain stops proving itself, with a best-effort name for what happened there. */
export interface ChainProblem {
  seq: number
  kind: ProblemKind
  /** Positions and hashes only: never the entry's content. */
  detail: string
}

/** How far a renumbering after a deletion is looked for (cheap: one hash per step). */
const RENUMBER_WINDOW = 16

/**
 * Names the break found at `row`, the first entry that does not verify after the verified entries up to `head`.
 * Any tampering makes the chain 'broken'; the kind is a diagnosis to point an investigator at, and it is exact for
 * edits made with plain SQL (no re-hashing). The rules, in order:
 *
 * - `row` links to `head` but its own hash does not match its content: 'modified'.
 * - `row` links to an entry that sits at or after its own position: it was moved up, 'reordered'.
 * - `row` links to an entry further back than `head`: the entries between were 'inserted'.
 * - The entry that should follow `head` (one naming it as predecessor) is still present further on: the entries
 *   in between were 'inserted'.
 * - `row` verifies under a seq a few positions higher: entries before it were deleted and later ones renumbered,
 *   'deleted'.
 * - `row` verifies by itself but names a predecessor that no longer exists: the predecessor was changed and
 *   re-hashed, 'modified' at the previous position; otherwise 'modified' here.
 *
 * An attacker who re-hashes what they touch can make some cases read differently (a re-hashed swap of neighbours
 * reads as an insertion); one who re-hashes the whole suffix produces a consistent chain that only a signed
 * checkpoint contradicts (checkpoint.ts).
 */
export async function diagnoseBreak(
  tx: Tx,
  tenantId: string,
  head: ChainHead,
  row: StoredEntry,
  ownHashValid: boolean,
): Promise<ChainProblem> {
  const s = row.seq
  if (row.prevHash.equals(head.hash)) {
    return { seq: s, kind: 'modified', detail: `entry ${s} does not match its hash: its content was changed` }
  }
  const p = row.prevHash.equals(GENESIS_HASH) ? 0 : await findSeqByHash(tx, tenantId, row.prevHash)
  if (p !== null && p >= s) {
    return { seq: s, kind: 'reordered', detail: `entry ${s} names entry ${p}, which comes later, as its predecessor` }
  }
  if (p !== null && p < s - 1) {
    return { seq: p + 1, kind: 'inserted', detail: `${inserted(p + 1, s - 1)} after entry ${p}` }
  }
  const t = await findSuccessorSeq(tx, tenantId, head.hash, s)
  if (t !== null) {
    return { seq: s, kind: 'inserted', detail: `${inserted(s, t - 1)} after entry ${s - 1}` }
  }
  if (!ownHashValid) {
    for (let d = 1; d <= RENUMBER_WINDOW; d++) {
      if (hashMatches(row.prevHash, { ...row, seq: s + d }, row.hash)) {
        const removed = d === 1 ? 'one entry was' : `${d} entries were`
        return { seq: s, kind: 'deleted', detail: `entry ${s} was entry ${s + d}: ${removed} removed and later ones renumbered` }
      }
    }
    return { seq: s, kind: 'modified', detail: `entry ${s} matches neither its hash nor its predecessor` }
  }
  if (s === 1) return { seq: 1, kind: 'modified', detail: 'entry 1 does not start from the genesis hash' }
  return { seq: s - 1, kind: 'modified', detail: `entry ${s} does not link to entry ${s - 1}: entry ${s - 1} was changed and re-hashed` }
}

function inserted(from: number, to: number): string {
  return from === to ? `entry ${from} was inserted` : `entries ${from}..${to} were inserted`
}
