import type { CheckpointRow } from './audit.repo.ts'
import type { ChainProblem } from './diagnose.ts'

/** Signs checkpoints; the KMS root-key provider (crypto/kms.ts) fits this shape. */
export interface CheckpointSigner {
  /** Non-secret identifier of the signing key, stored with each checkpoint. */
  readonly keyId: string
  sign(data: Buffer): Promise<Buffer>
}

/** Checks checkpoint signatures; false on a bad signature, never throws for one. */
export interface CheckpointVerifier {
  readonly keyId: string
  verify(data: Buffer, signature: Buffer): Promise<boolean>
}

/**
 * The signed statement: "the chain of `tenantId` had `seq` entries and its head hash was `hash`". Tenant ids cannot
 * contain '|' followed by digits and 64 hex characters at the end, so the text parses one way only.
 */
export function checkpointMessage(tenantId: string, seq: number, hash: Buffer): Buffer {
  return Buffer.from(`strongroom-audit-checkpoint|${tenantId}|${seq}|${hash.toString('hex')}`, 'utf8')
}

/**
 * Compares a signed checkpoint with the chain's hash at the same seq and checks its signature. Every failure is
 * reported as 'truncated': the usual way to contradict a checkpoint is to cut the tail and append new entries.
 * Without verifiers (null) the signature is not checked, only the hash.
 */
export async function checkpointProblem(
  cp: CheckpointRow,
  chainHash: Buffer,
  verifiers: readonly CheckpointVerifier[] | null,
): Promise<ChainProblem | null> {
  const truncated = (detail: string): ChainProblem => ({ seq: cp.seq, kind: 'truncated', detail })
  if (!cp.hash.equals(chainHash)) {
    return truncated(`the chain hash at entry ${cp.seq} differs from the signed checkpoint: entries up to there were replaced`)
  }
  if (verifiers === null) return null
  const verifier = verifiers.find((v) => v.keyId === cp.keyId)
  if (!verifier) return truncated(`the checkpoint at entry ${cp.seq} is signed with key ${cp.keyId}, which the verifier does not hold`)
  const ok = await verifier.verify(checkpointMessage(cp.tenantId, cp.seq, cp.hash), cp.signature)
  return ok ? null : truncated(`the checkpoint at entry ${cp.seq} has an invalid signature`)
}
