import type { AuditRecord } from './events.repo.ts'
import type { ChainReport } from './verify.ts'

/** An event for the auditor: what happened, who did it, the outcome and the stored ids/codes/counts. No hashes. */
export function presentEvent(e: AuditRecord) {
  return { seq: e.seq, time: e.occurredAt.toISOString(), type: e.type, actor: e.actor, outcome: e.outcome, fields: e.data }
}

/** The verification of one chain; the problem's detail names positions and hashes only (diagnose.ts). */
export function presentVerification(r: ChainReport) {
  const cp = r.lastCheckpoint
  return {
    status: r.firstProblem ? 'broken' : 'intact',
    entries: r.count,
    lastCheckpoint: cp ? { seq: cp.seq, time: cp.createdAt.toISOString(), keyId: cp.keyId } : null,
    ...(r.firstProblem
      ? { problem: { seq: r.firstProblem.seq, kind: r.firstProblem.kind, detail: r.firstProblem.detail } }
      : {}),
  }
}
