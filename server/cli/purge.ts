/**
 * Runs the retention purge once, as the in-server scheduler does:
 *
 *   npm run purge -- [--as-of <ISO 8601 time>] [--dry-run]
 *
 * Prints counts only. --dry-run reports what is due without deleting or auditing. --as-of sets the purge's "now".
 * Exit 0: done. Exit 1: stopped before finishing (SIGINT). Exit 2: usage error. Exit 3: the embedded database is in
 * use by the running server. Exit 4: the purge could not run. Exit 5: another purge is running (PostgreSQL server).
 */
import { parseArgs } from 'node:util'
import { loadConfig } from '../config.ts'
import { openMigratedDatabase } from '../db/bootstrap.ts'
import { EmbeddedDatabaseBusyError } from '../db/embedded-lock.ts'
import { tryPurgeLock } from '../retention/purge-lock.ts'
import { runPurge, type PurgeReport } from '../retention/purge.service.ts'
import { startupFailureLine } from '../startup-failure.ts'

const USAGE = 'usage: npm run purge -- [--as-of <ISO 8601 time>] [--dry-run]'
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/

async function runPurgeCli(argv: string[], out = process.stdout, err = process.stderr): Promise<number> {
  let args
  try {
    args = parseArgs({
      args: argv, allowPositionals: false, strict: true,
      options: { 'as-of': { type: 'string' }, 'dry-run': { type: 'boolean' } },
    })
  } catch (e) {
    err.write(`purge: ${(e as Error).message}\n${USAGE}\n`)
    return 2
  }
  const asOfText = args.values['as-of']
  const asOf = asOfText === undefined ? new Date() : new Date(asOfText)
  if (asOfText !== undefined && (!ISO.test(asOfText) || Number.isNaN(asOf.getTime()))) {
    err.write(`purge: --as-of must be an ISO 8601 time such as 2025-01-31T00:00:00Z\n${USAGE}\n`)
    return 2
  }
  const dryRun = args.values['dry-run'] === true
  const config = loadConfig()
  let db
  try {
    db = await openMigratedDatabase(config, 'npm run purge')
  } catch (e) {
    if (e instanceof EmbeddedDatabaseBusyError) {
      err.write(`purge: ${e.message}\n`)
      return 3
    }
    throw e
  }
  try {
    const lock = dryRun ? null : await tryPurgeLock(db)
    if (!dryRun && !lock) {
      err.write('purge: another purge is running; try again when it has finished\n')
      return 5
    }
    const controller = new AbortController()
    const onSignal = () => controller.abort()
    process.once('SIGINT', onSignal)
    try {
      const report = await runPurge(db, {
        asOf, dryRun, batchSize: config.retention.purgeBatchSize, defaults: config.retention.defaultDays,
        signal: controller.signal, actor: 'cli:purge',
      })
      out.write(`${summary(report)}\n`)
      return report.complete ? 0 : 1
    } finally {
      process.off('SIGINT', onSignal)
      await lock?.release()
    }
  } finally {
    await db.close()
  }
}

function summary(r: PurgeReport): string {
  const verb = r.dryRun ? 'would purge' : 'purged'
  return `${verb} ${r.conversations} conversations (${r.messages} messages) in ${r.tenants} tenants as of ` +
    `${r.asOf.toISOString()}; ${r.held} held by legal holds; ${r.shreddedTenants} tenants with destroyed keys` +
    (r.complete ? '' : '; interrupted, run again to finish')
}

runPurgeCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    process.stderr.write(`purge: ${startupFailureLine(e)}\n`)
    process.exitCode = 4
  },
)
