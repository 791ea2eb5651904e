/**
 * Verifies the tamper-evident audit log:
 *
 *   npm run audit -- verify [--tenant <id>]
 *
 * Prints "intact: N entries in M chains" and a line on the checkpoints, and exits 0; or the first problem of each
 * broken chain and exits 1. A tail removed after a signed checkpoint, a checkpoint the chain contradicts and a
 * checkpoint whose signature does not verify are all reported as "truncated".
 * Exit 2: usage error. Exit 3: the embedded database is in use by the running server (PGlite serves one process).
 * Exit 4: the check could not run (configuration, database or key provider unreachable).
 *
 * Reads the same environment as the server (config.ts): DATABASE_URL / DATABASE_MIGRATION_URL or DATA_DIR, and the
 * key provider (KMS_PROVIDER and its settings), whose HMAC key checks every checkpoint signature.
 */
import { parseArgs } from 'node:util'
import { verifyChain, type VerifyResult } from '../audit/verify.ts'
import { loadConfig } from '../config.ts'
import { openKms } from '../crypto/kms-factory.ts'
import { openMigratedDatabase } from '../db/bootstrap.ts'
import { EmbeddedDatabaseBusyError } from '../db/embedded-lock.ts'
import { startupFailureLine } from '../startup-failure.ts'

const USAGE = 'usage: npm run audit -- verify [--tenant <id>]'

async function runAuditCli(argv: string[], out = process.stdout, err = process.stderr): Promise<number> {
  let args
  try {
    args = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { tenant: { type: 'string' } } })
  } catch (e) {
    err.write(`audit: ${(e as Error).message}\n${USAGE}\n`)
    return 2
  }
  if (args.positionals.length !== 1 || args.positionals[0] !== 'verify' || args.values.tenant === '') {
    err.write(`${USAGE}\n`)
    return 2
  }
  const config = loadConfig()
  let db
  try {
    db = await openMigratedDatabase(config, 'npm run audit')
  } catch (e) {
    if (e instanceof EmbeddedDatabaseBusyError) {
      err.write(`audit: ${e.message}\n`)
      return 3
    }
    throw e
  }
  try {
    const kms = await openKms(config)
    try {
      const result = await verifyChain(db, args.values.tenant, kms)
      for (const line of report(result, kms.keyId)) out.write(`${line}\n`)
      return result.status === 'intact' ? 0 : 1
    } finally {
      await kms.close()
    }
  } finally {
    await db.close()
  }
}

function report(result: VerifyResult, keyId: string): string[] {
  const chains = result.tenants.length
  if (result.status === 'intact') {
    const entries = result.tenants.reduce((n, t) => n + t.count, 0)
    const lines = [`intact: ${plural(entries, 'entry', 'entries')} in ${plural(chains, 'chain', 'chains')}`]
    return chains === 0 ? lines : [...lines, checkpointLine(result, keyId)]
  }
  const broken = result.tenants.filter((t) => t.firstProblem)
  return [
    ...broken.map(({ tenantId, firstProblem: p }) => `broken: chain ${tenantId}: ${p!.kind} at entry ${p!.seq}: ${p!.detail}`),
    `broken: ${broken.length} of ${plural(chains, 'chain', 'chains')}`,
  ]
}

/**
 * How much of the log the checkpoints protect: entries after a chain's last checkpoint could still be cut off by the
 * maintenance role without a trace, so the operator sees how many there are.
 */
function checkpointLine(result: VerifyResult, keyId: string): string {
  const signed = result.tenants.filter((t) => t.lastCheckpoint)
  const uncovered = result.tenants.reduce((n, t) => n + t.count - (t.lastCheckpoint?.seq ?? 0), 0)
  const chains = result.tenants.length
  if (signed.length === 0) return `checkpoints: none yet; ${plural(uncovered, 'entry is', 'entries are')} not covered by a signature`
  return `checkpoints: ${signed.length} of ${plural(chains, 'chain', 'chains')} signed, signatures verified with ${keyId}; ` +
    `${plural(uncovered, 'entry', 'entries')} after the last checkpoints`
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}

runAuditCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    process.stderr.write(`audit: ${startupFailureLine(e)}\n`)
    process.exitCode = 4
  },
)
