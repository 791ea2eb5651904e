import type { Database } from '../db/pool.ts'
import { withOwner, type Tx } from '../db/tx.ts'
import { readCheckpoints } from './audit.repo.ts'
import { countEntries, listChainTenants } from './chain.repo.ts'
import type { CheckpointVerifier } from './checkpoint.ts'
import type { ChainProblem } from './diagnose.ts'
import { walkChain } from './walk.ts'

export interface ChainReport {
  tenantId: string
  /** Entries stored in the chain. */
  count: number
  /** Absent when the chain is intact. */
  firstProblem?: ChainProblem
}

export interface VerifyResult {
  status: 'intact' | 'broken'
  tenants: ChainReport[]
  /** 'not_checked' when no verifier was given: checkpoint hashes were compared, their signatures were not. */
  checkpointSignatures: 'verified' | 'not_checked'
}

/**
 * Verifies every audit chain (or one tenant's) from its first entry: each entry's hash against its content, each
 * link against the previous entry, the seq numbers for gaps, and every checkpoint against the chain and, given a
 * verifier, its signature. Entries are streamed in batches, one transaction per tenant.
 *
 * What it proves: nothing was changed, removed, inserted or reordered without re-hashing everything after it, and
 * nothing up to the last signed checkpoint was removed or replaced. What it cannot prove: entries appended after
 * the last checkpoint that were then removed, or checkpoints removed together with the tail by someone holding the
 * maintenance role; ship checkpoints to a store outside the database to close that gap.
 *
 * @param verifier the checkpoint signing key (several after a key rotation), e.g. the KMS root-key provider.
 */
export async function verifyChain(
  db: Database,
  tenantId?: string,
  verifier?: CheckpointVerifier | CheckpointVerifier[],
): Promise<VerifyResult> {
  const verifiers = verifier === undefined ? null : Array.isArray(verifier) ? verifier : [verifier]
  const tenants = tenantId === undefined ? await listAuditChains(db) : [tenantId]
  const reports: ChainReport[] = []
  for (const t of tenants) reports.push(await asAuditor(db, (tx) => verifyTenant(tx, t, verifiers)))
  return {
    status: reports.some((r) => r.firstProblem) ? 'broken' : 'intact',
    tenants: reports,
    checkpointSignatures: verifiers === null ? 'not_checked' : 'verified',
  }
}

/** Tenants with an audit chain or a checkpoint, including the system chain; for verification and checkpoint jobs. */
export function listAuditChains(db: Database): Promise<string[]> {
  return asAuditor(db, listChainTenants)
}

async function verifyTenant(tx: Tx, tenantId: string, verifiers: readonly CheckpointVerifier[] | null): Promise<ChainReport> {
  const checkpoints = await readCheckpoints(tx, tenantId)
  const walk = await walkChain(tx, tenantId, { checkpoints, verifiers })
  if (!walk.problem) return { tenantId, count: walk.count }
  return { tenantId, count: await countEntries(tx, tenantId), firstProblem: walk.problem }
}

/**
 * Reads as strongroom_auditor (migrations/0006): SELECT on the audit tables across tenants and nothing else. Not as
 * the owner itself: the tables FORCE row-level security, so a non-superuser owner would read an empty log.
 */
function asAuditor<T>(db: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withOwner(db, async (tx) => {
    await tx.query('SET LOCAL ROLE strongroom_auditor')
    return fn(tx)
  })
}
