import { appendAudit } from '../audit/audit.service.ts'
import type { Principal } from '../auth/principal.ts'
import { ensureTenant } from '../auth/session.repo.ts'
import type { Database } from '../db/pool.ts'
import { withPrincipal } from '../db/tx.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import { levelOf, type Classification } from '../policy/levels.ts'
import { scopeOf } from '../policy/rule.ts'
import {
  holdExists, insertHold, listHolds, lockHolds, releaseHold, type LegalHoldRow,
} from './legal-holds.repo.ts'
import { effectiveRules, type EffectiveRule } from './retention-rules.ts'
import { listRules, upsertRule } from './retention.repo.ts'

export interface RetentionDeps {
  db: Database
  /** RETENTION_DEFAULT_DAYS_* from config. */
  defaults: Record<Classification, number>
}

/** The rules the purge applies to the admin's tenant: tenant rules where set, else the configured defaults. */
export async function getRetention(deps: RetentionDeps, admin: Principal): Promise<EffectiveRule[]> {
  const rows = await withPrincipal(deps.db, scopeOf(admin), (tx) => listRules(tx, admin.tenantId))
  return effectiveRules(deps.defaults, rows)
}

/** Sets the tenant's rule for the given classifications (others keep theirs), audited as `retention.update`. */
export async function putRetention(
  deps: RetentionDeps,
  admin: Principal,
  rules: Array<{ classification: Classification; retainDays: number }>,
): Promise<EffectiveRule[]> {
  const rows = await withPrincipal(deps.db, scopeOf(admin), async (tx) => {
    await ensureTenant(tx, admin.tenantId)
    for (const r of rules) {
      await upsertRule(tx, admin.tenantId, { level: levelOf(r.classification), retainDays: r.retainDays, updatedBy: admin.userId })
    }
    await appendAudit(tx, admin.tenantId, {
      type: 'retention.update', actor: admin.userId, outcome: 'success',
      data: { classifications: rules.map((r) => r.classification), retainDays: rules.map((r) => r.retainDays) },
    })
    return listRules(tx, admin.tenantId)
  })
  return effectiveRules(deps.defaults, rows)
}

export function listLegalHolds(db: Database, admin: Principal, opts: { includeReleased: boolean }): Promise<LegalHoldRow[]> {
  return withPrincipal(db, scopeOf(admin), (tx) => listHolds(tx, admin.tenantId, opts))
}

/**
 * Places a hold, audited as `legal_hold.place` (ids only; the case reference is free text and stays out of the
 * log). The target need not have data yet: a hold protects whatever matches it while it is active.
 */
export async function placeLegalHold(
  db: Database,
  admin: Principal,
  input: { scope: LegalHoldRow['scope']; targetId: string; caseRef: string },
): Promise<LegalHoldRow> {
  return withPrincipal(db, scopeOf(admin), async (tx) => {
    await ensureTenant(tx, admin.tenantId)
    await lockHolds(tx, admin.tenantId, 'exclusive')
    const hold = await insertHold(tx, admin.tenantId, { ...input, createdBy: admin.userId })
    await appendAudit(tx, admin.tenantId, {
      type: 'legal_hold.place', actor: admin.userId, outcome: 'success',
      data: { holdId: hold.holdId, scope: hold.scope, targetId: hold.targetId },
    })
    return hold
  })
}

/** Releases an active hold, audited as `legal_hold.release`. 404 if unknown, 409 if already released. */
export async function releaseLegalHold(db: Database, admin: Principal, holdId: string): Promise<LegalHoldRow> {
  return withPrincipal(db, scopeOf(admin), async (tx) => {
    const hold = await releaseHold(tx, admin.tenantId, holdId, admin.userId)
    if (!hold) {
      if (await holdExists(tx, admin.tenantId, holdId)) {
        throw new ConflictError('legal_hold_released', 'this legal hold was already released')
      }
      throw new NotFoundError('legal_hold_not_found', 'no such legal hold')
    }
    await appendAudit(tx, admin.tenantId, {
      type: 'legal_hold.release', actor: admin.userId, outcome: 'success',
      data: { holdId: hold.holdId, scope: hold.scope, targetId: hold.targetId },
    })
    return hold
  })
}
