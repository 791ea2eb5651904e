import type { LegalHoldRow } from './legal-holds.repo.ts'
import type { EffectiveRule } from './retention-rules.ts'

export function presentRules(rules: EffectiveRule[]) {
  return { rules: rules.map((r) => ({ classification: r.classification, retainDays: r.retainDays, source: r.source })) }
}

export function presentHold(h: LegalHoldRow) {
  return {
    id: h.holdId,
    scope: h.scope,
    targetId: h.targetId,
    caseRef: h.caseRef,
    createdBy: h.createdBy,
    createdAt: h.createdAt.toISOString(),
    releasedBy: h.releasedBy,
    releasedAt: h.releasedAt ? h.releasedAt.toISOString() : null,
    active: h.releasedAt === null,
  }
}
