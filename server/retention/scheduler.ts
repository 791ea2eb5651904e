import { Cron } from 'croner'
import type { Config } from '../config.ts'
import type { Database } from '../db/pool.ts'
import type { Logger } from '../logger.ts'
import { tryPurgeLock } from './purge-lock.ts'
import { runPurge, type PurgeReport } from './purge.service.ts'

export interface RetentionScheduler {
  /** Runs a purge now unless one is running here or on another instance; null when skipped or failed. */
  runNow(): Promise<PurgeReport | null>
  /** Stops the schedule, asks a running purge to stop after its current batch and waits for it. */
  stop(): Promise<void>
}

/**
 * Runs the retention purge inside the server on PURGE_SCHEDULE. Every instance schedules it; the purge lock
 * (purge-lock.ts) lets exactly one of them run at a time and the others skip that tick. Logs counts only.
 */
export function startRetentionScheduler(deps: {
  db: Database
  config: Config
  logger: Logger
  now?: () => Date
}): RetentionScheduler {
  const { db, config, logger } = deps
  const controller = new AbortController()
  let current: Promise<PurgeReport | null> | null = null

  const failed = (err: unknown) => {
    logger.error({ code: (err as { code?: string }).code, error: (err as Error).message }, 'purge failed')
    return null
  }
  const purgeOnce = async (): Promise<PurgeReport | null> => {
    let lock
    try {
      lock = await tryPurgeLock(db)
    } catch (err) {
      return failed(err)
    }
    if (!lock) {
      logger.info('purge skipped: another purge is running')
      return null
    }
    try {
      const report = await runPurge(db, {
        asOf: (deps.now ?? (() => new Date()))(),
        batchSize: config.retention.purgeBatchSize,
        defaults: config.retention.defaultDays,
        signal: controller.signal,
      })
      const { tenants, conversations, messages, held, shreddedTenants, batches, complete } = report
      logger.info({ tenants, conversations, messages, held, shreddedTenants, batches, complete }, 'purge finished')
      return report
    } catch (err) {
      return failed(err)
    } finally {
      await lock.release()
    }
  }
  const runNow = () => {
    if (controller.signal.aborted) return Promise.resolve(null)
    current ??= purgeOnce().finally(() => {
      current = null
    })
    return current
  }
  const job = new Cron(config.retention.purgeSchedule, { protect: true, unref: true, catch: true }, async () => {
    await runNow()
  })
  return {
    runNow,
    async stop() {
      job.stop()
      controller.abort()
      await current
    },
  }
}
