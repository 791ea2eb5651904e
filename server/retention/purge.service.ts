import { appendAudit } from '../audit/audit.service.ts'
import { SYSTEM_TENANT } from '../audit/event.ts'
import type { Database } from '../db/pool.ts'
import { withTenant } from '../db/tx.ts'
import { keysDestroyed, listTenantIds } from '../keys/keys.repo.ts'
import { levelOf, type Classification } from '../policy/levels.ts'
import { lockHolds } from './legal-holds.repo.ts'
import { countAll, countDue, deleteAnyBatch, deleteDueBatch, type DeletedCounts } from './purge.repo.ts'
import { cutoffFor, effectiveRules } from './retention-rules.ts'
import { listRules } from './retention.repo.ts'

export interface PurgeOptions {
  /** The purge's "now": conversations whose last message + retention < asOf are due. */
  asOf: Date
  batchSize: number
  /** RETENTION_DEFAULT_DAYS_* for classifications a tenant has no rule for. */
  defaults: Record<Classification, number>
  /** Count what is due without deleting or auditing anything. */
  dryRun?: boolean
  /** Stops the run between batches; what was committed stays committed and audited. */
  signal?: AbortSignal
  /** Called after each committed batch (progress, tests). */
  onBatch?: (tenantId: string, deleted: DeletedCounts) => void
  actor?: string
}

export interface PurgeReport {
  asOf: Date
  dryRun: boolean
  tenants: number
  /** Conversations and messages deleted (or, in a dry run, that would be). */
  conversations: number
  messages: number
  /** Conversations past their retention kept because a legal hold covers them. */
  held: number
  /** Tenants whose keys were shredded and whose remaining transcript rows this run deleted. */
  shreddedTenants: number
  batches: number
  complete: boolean
}

/**
 * Retention purge over every tenant: deletes conversations past their retention (by classification high-water mark)
 * that no legal hold covers, and every transcript row of tenants whose keys were shredded. Each batch is its own
 * worker transaction that also appends a `purge.run` audit entry with its counts, so the log holds an entry for
 * each committed deletion and nothing else. Re-running is harmless: what is gone is not found again, so an
 * interrupted run is finished by the next one.
 */
export async function runPurge(db: Database, opts: PurgeOptions): Promise<PurgeReport> {
  const report: PurgeReport = {
    asOf: opts.asOf, dryRun: opts.dryRun === true, tenants: 0, conversations: 0, messages: 0, held: 0,
    shreddedTenants: 0, batches: 0, complete: false,
  }
  const tenants = await withTenant(db, SYSTEM_TENANT, 'worker', listTenantIds)
  for (const tenantId of tenants) {
    if (opts.signal?.aborted) return report
    const plan = await withTenant(db, tenantId, 'worker', async (tx) => ({
      shredded: await keysDestroyed(tx, tenantId),
      rules: effectiveRules(opts.defaults, await listRules(tx, tenantId)),
    }))
    report.tenants += 1
    const sweeps = plan.shredded
      ? [{ reason: 'keys_destroyed', level: -1, cutoff: opts.asOf }]
      : plan.rules.map((r) => ({ reason: 'retention', level: levelOf(r.classification), cutoff: cutoffFor(opts.asOf, r.retainDays) }))
    if (plan.shredded) report.shreddedTenants += 1
    for (const sweep of sweeps) {
      const finished = await (opts.dryRun ? countSweep : deleteSweep)(db, tenantId, sweep, opts, report)
      if (!finished) return report
    }
  }
  report.complete = true
  return report
}

interface Sweep { reason: string; level: number; cutoff: Date }

async function countSweep(db: Database, tenantId: string, sweep: Sweep, _opts: PurgeOptions, report: PurgeReport) {
  const counts = await withTenant(db, tenantId, 'worker', async (tx) =>
    sweep.level < 0 ? { ...(await countAll(tx, tenantId)), held: 0 } : countDue(tx, tenantId, sweep.level, sweep.cutoff)
      .then((c) => ({ conversations: c.due, messages: c.messages, held: c.held })))
  report.conversations += counts.conversations
  report.messages += counts.messages
  report.held += counts.held
  return true
}

async function deleteSweep(db: Database, tenantId: string, sweep: Sweep, opts: PurgeOptions, report: PurgeReport) {
  for (;;) {
    if (opts.signal?.aborted) return false
    const deleted = await withTenant(db, tenantId, 'worker', async (tx) => {
      await lockHolds(tx, tenantId, 'shared')
      const counts = sweep.level < 0
        ? await deleteAnyBatch(tx, tenantId, opts.batchSize)
        : await deleteDueBatch(tx, tenantId, sweep.level, sweep.cutoff, opts.batchSize)
      if (counts.conversations > 0) {
        await appendAudit(tx, tenantId, {
          type: 'purge.run', actor: opts.actor ?? 'system', outcome: 'success',
          data: { reason: sweep.reason, asOf: opts.asOf.toISOString(), ...(sweep.level < 0 ? {} : { classification: sweep.level }), ...counts },
        })
      }
      return counts
    })
    if (deleted.conversations > 0) {
      report.conversations += deleted.conversations
      report.messages += deleted.messages
      report.batches += 1
      opts.onBatch?.(tenantId, deleted)
    }
    if (deleted.conversations < opts.batchSize) break
  }
  if (sweep.level >= 0) {
    const left = await withTenant(db, tenantId, 'worker', (tx) => countDue(tx, tenantId, sweep.level, sweep.cutoff))
    report.held += left.held
  }
  return true
}
