import { randomUUID } from 'node:crypto'
import type { Database } from '../db/pool.ts'
import type { Logger } from '../logger.ts'
import { writeCheckpoint } from './checkpoint.service.ts'
import type { CheckpointSigner } from './checkpoint.ts'
import { claimJob, releaseJob } from './job-lease.repo.ts'
import { listAuditChains } from './verify.ts'

const JOB = 'audit.checkpoint'

export interface CheckpointRunReport {
  /** Chains looked at (every tenant's and the _system chain). */
  chains: number
  /** Chains whose head is now covered by a checkpoint (signed in this run or already before). */
  checkpointed: number
  /** Chains with no entry yet. */
  empty: number
  /** Chains that could not be signed: broken since their last checkpoint, or a key provider failure. */
  failed: number
  /** False when stop() ended the run before every chain was visited. */
  complete: boolean
}

export interface CheckpointScheduler {
  /** Runs the job now if it is due and no other instance holds it; null when skipped or failed. */
  runNow(): Promise<CheckpointRunReport | null>
  /** Stops polling, lets a running pass finish its current chain, and waits for it. */
  stop(): Promise<void>
}

export interface CheckpointSchedulerDeps {
  db: Database
  /** The KMS root-key provider (crypto/kms.ts): the HMAC key stays inside it (or inside the HSM). */
  signer: CheckpointSigner
  logger: Logger
  /** AUDIT_CHECKPOINT_INTERVAL_MINUTES in milliseconds. */
  intervalMs: number
  /** How often each instance asks whether the job is due; default min(interval, 60 s). */
  pollMs?: number
}

/**
 * Signs a checkpoint of every audit chain once per interval, across all instances. Each instance polls; the job
 * lease (job-lease.repo.ts, a row in PostgreSQL) lets exactly one of them run per interval, which holds on a shared
 * server and on embedded PGlite alike. Polling more often than the interval keeps the period close to it whichever
 * instance wins. Logs counts only; a chain that fails is logged by tenant id and error code and the others go on.
 */
export function startCheckpointScheduler(deps: CheckpointSchedulerDeps): CheckpointScheduler {
  const { db, signer, logger, intervalMs } = deps
  const holder = randomUUID()
  const intervalSeconds = intervalMs / 1000
  // A pass that outlives this is presumed dead (its instance crashed): long enough for any real pass to finish.
  const leaseSeconds = Math.max(intervalSeconds, 600)
  let stopped = false
  let current: Promise<CheckpointRunReport | null> | null = null

  const checkpointAll = async (): Promise<CheckpointRunReport> => {
    const report: CheckpointRunReport = { chains: 0, checkpointed: 0, empty: 0, failed: 0, complete: true }
    for (const tenantId of await listAuditChains(db)) {
      if (stopped) {
        report.complete = false
        break
      }
      report.chains++
      try {
        if (await writeCheckpoint(db, tenantId, signer)) report.checkpointed++
        else report.empty++
      } catch (err) {
        report.failed++
        logger.error({ tenantId, code: (err as { code?: string }).code, error: (err as Error).message }, 'audit checkpoint failed')
      }
    }
    return report
  }

  const once = async (): Promise<CheckpointRunReport | null> => {
    try {
      if (!(await claimJob(db, { job: JOB, holder, intervalSeconds, leaseSeconds }))) return null
    } catch (err) {
      logger.error({ code: (err as { code?: string }).code, error: (err as Error).message }, 'audit checkpoint job could not be claimed')
      return null
    }
    try {
      const report = await checkpointAll()
      logger.info({ ...report }, 'audit checkpoints signed')
      return report
    } catch (err) {
      logger.error({ code: (err as { code?: string }).code, error: (err as Error).message }, 'audit checkpoint job failed')
      return null
    } finally {
      await releaseJob(db, JOB, holder).catch(() => undefined)
    }
  }

  const runNow = () => {
    if (stopped) return Promise.resolve(null)
    current ??= once().finally(() => {
      current = null
    })
    return current
  }

  const timer = setInterval(() => void runNow(), deps.pollMs ?? Math.min(intervalMs, 60_000))
  timer.unref()
  // The first poll right away, so a fresh deployment gets its first checkpoints without waiting an interval.
  setImmediate(() => void runNow())

  return {
    runNow,
    async stop() {
      stopped = true
      clearInterval(timer)
      await current
    },
  }
}
