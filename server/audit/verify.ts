import type { Database } from '../db/pool.ts'
import { withOwner, withTenant, type Tx } from '../db/tx.ts'
import { readCheckpoints, type ChainHead, type CheckpointRow } from './audit.repo.ts'
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
  /** The newest signed checkpoint; absent when the chain has none. */
  lastCheckpoint?: CheckpointInfo
}

/** A checkpoint as reports show it: where it is and who signed it, no hash or signature bytes. */
export interface CheckpointInfo {
  seq: number
  keyId: string
  createdAt: Date
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
  const last = lastInfo(checkpoints)
  if (!walk.problem) return { tenantId, count: walk.count, ...last }
  return { tenantId, count: await countEntries(tx, tenantId), firstProblem: walk.problem, ...last }
}

/** Entries per transaction when a tenant's chain is verified on the request path. */
const SLICE_ENTRIES = 5000

/**
 * Verifies one tenant's chain as verifyChain does, but as the application role inside the tenant's row-level
 * security scope, for the auditor API: it can read no other tenant's entries whatever the code asks. The walk runs
 * in slices of SLICE_ENTRIES entries, one short transaction each, so a long chain never holds a pooled connection
 * (the only one, on embedded PGlite) for the whole check. Checkpoints are read first, as in verifyChain.
 */
export async function verifyTenantChain(
  db: Database,
  tenantId: string,
  verifiers: readonly CheckpointVerifier[],
  opts: { sliceEntries?: number } = {},
): Promise<ChainReport> {
  const slice = opts.sliceEntries ?? SLICE_ENTRIES
  const inScope = <T>(fn: (tx: Tx) => Promise<T>) => withTenant(db, tenantId, 'app', fn)
  const checkpoints = await inScope((tx) => readCheckpoints(tx, tenantId))
  const last = lastInfo(checkpoints)
  let head: ChainHead | undefined
  let count = 0
  for (;;) {
    const walk = await inScope((tx) =>
      walkChain(tx, tenantId, { start: head, checkpoints, verifiers, batchSize: Math.min(slice, 5000), maxEntries: slice }))
    count += walk.count
    head = walk.head
    if (walk.problem) {
      return { tenantId, count: await inScope((tx) => countEntries(tx, tenantId)), firstProblem: walk.problem, ...last }
    }
    if (!walk.more) return { tenantId, count, ...last }
  }
}

function lastInfo(checkpoints: readonly CheckpointRow[]): { lastCheckpoint?: CheckpointInfo } {
  const cp = checkpoints.at(-1)
  return cp ? { lastCheckpoint: { seq: cp.seq, keyId: cp.keyId, createdAt: cp.createdAt ?? new Date(0) } } : {}
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
