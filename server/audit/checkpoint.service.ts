import type { Database } from '../db/pool.ts'
import { withTenant } from '../db/tx.ts'
import { AppError } from '../errors.ts'
import { insertCheckpoint, lastCheckpoint, lastEntry } from './audit.repo.ts'
import { checkpointMessage, type CheckpointSigner } from './checkpoint.ts'
import { walkChain } from './walk.ts'

export interface CheckpointSummary {
  seq: number
  /** Head hash, hex. */
  hash: string
  keyId: string
}

/**
 * Signs the current head of a tenant's chain and stores the checkpoint; returns null for an empty chain and the
 * previous checkpoint when nothing was appended since. Before signing it verifies the entries added since the
 * previous checkpoint, so a signature never vouches for a chain that was already broken: it throws
 * `audit_chain_broken` instead (run verifyChain for the full report).
 *
 * Runs as the worker role in the tenant's scope and takes no chain lock, so appends are never blocked by it.
 */
export async function writeCheckpoint(db: Database, tenantId: string, signer: CheckpointSigner): Promise<CheckpointSummary | null> {
  return withTenant(db, tenantId, 'worker', async (tx) => {
    const previous = await lastCheckpoint(tx, tenantId)
    const walk = await walkChain(tx, tenantId, { start: previous ?? undefined, checkpoints: [], verifiers: null })
    if (walk.problem) {
      throw broken(`audit chain is broken at entry ${walk.problem.seq} (${walk.problem.kind}); not signing`)
    }
    if (walk.count === 0) {
      if (!previous) return null
      const head = await lastEntry(tx, tenantId)
      if (!head || head.seq < previous.seq || (head.seq === previous.seq && !head.hash.equals(previous.hash))) {
        throw broken(`audit chain no longer reaches the checkpoint at entry ${previous.seq}; not signing`)
      }
      return summary(previous.seq, previous.hash, previous.keyId)
    }
    const { seq, hash } = walk.head
    const signature = await signer.sign(checkpointMessage(tenantId, seq, hash))
    await insertCheckpoint(tx, { tenantId, seq, hash, signature, keyId: signer.keyId })
    return summary(seq, hash, signer.keyId)
  })
}

function summary(seq: number, hash: Buffer, keyId: string): CheckpointSummary {
  return { seq, hash: hash.toString('hex'), keyId }
}

function broken(message: string): AppError {
  return new AppError('audit_chain_broken', message, { status: 500, expose: false })
}
