/**
 * Tenant key management:
 *
 *   npm run keys -- status
 *   npm run keys -- rotate --tenant <id>
 *   npm run keys -- rewrap --tenant <id> [--batch-size <n>]
 *   npm run keys -- shred --tenant <id> --confirm
 *
 * Exit 0: done. Exit 1: refused (unknown tenant, keys already destroyed, active legal hold). Exit 2: usage error,
 * including shred without --confirm. Exit 3: the embedded database is in use by the running server. Exit 4: the
 * command could not run (configuration, database or key provider unreachable).
 * Reads the same environment as the server (config.ts), including the key provider settings.
 */
import { parseArgs } from 'node:util'
import { loadConfig } from '../config.ts'
import { openKms } from '../crypto/kms-factory.ts'
import { openMigratedDatabase } from '../db/bootstrap.ts'
import { EmbeddedDatabaseBusyError } from '../db/embedded-lock.ts'
import { AppError } from '../errors.ts'
import { createKeyring } from '../keys/keyring.ts'
import { keyStatus, rotateKey, shredKeys } from '../keys/keys.service.ts'
import { rewrapKeys } from '../keys/rewrap.service.ts'
import { startupFailureLine } from '../startup-failure.ts'

const USAGE = 'usage: npm run keys -- status | rotate --tenant <id> | rewrap --tenant <id> [--batch-size <n>] | shred --tenant <id> --confirm'
const ACTOR = 'cli:keys'

type Out = { write(s: string): unknown }

async function runKeysCli(argv: string[], out: Out = process.stdout, err: Out = process.stderr): Promise<number> {
  let args
  try {
    args = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: { tenant: { type: 'string' }, confirm: { type: 'boolean' }, 'batch-size': { type: 'string' } },
    })
  } catch (e) {
    err.write(`keys: ${(e as Error).message}\n${USAGE}\n`)
    return 2
  }
  const [command, ...rest] = args.positionals
  const tenant = args.values.tenant
  const batchSize = Number(args.values['batch-size'] ?? 500)
  const needsTenant = command !== 'status'
  if (!command || rest.length > 0 || !['status', 'rotate', 'rewrap', 'shred'].includes(command) ||
      (needsTenant && !tenant) || (!needsTenant && tenant !== undefined) ||
      !Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    err.write(`${USAGE}\n`)
    return 2
  }
  if (command === 'shred' && !args.values.confirm) {
    err.write(`keys: refusing to shred without --confirm: every transcript of tenant "${tenant}" becomes unreadable for good\n`)
    return 2
  }
  const config = loadConfig()
  let db
  try {
    db = await openMigratedDatabase(config, 'npm run keys')
  } catch (e) {
    if (e instanceof EmbeddedDatabaseBusyError) {
      err.write(`keys: ${e.message}\n`)
      return 3
    }
    throw e
  }
  try {
    if (command === 'status') {
      for (const t of await keyStatus(db)) {
        out.write(`tenant ${t.tenantId}${t.versions.length === 0 ? ': no keys yet' : ''}\n`)
        for (const v of t.versions) {
          out.write(`  v${v.version} ${v.state.padEnd(9)} messages ${v.messages} conversations ${v.conversations} created ${v.createdAt.toISOString()}\n`)
        }
      }
      return 0
    }
    const provider = await openKms(config)
    const keyring = createKeyring({ db, provider, cacheTtlMs: config.kms.cacheTtlSeconds * 1000 })
    try {
      return await mutate(command, tenant!, batchSize, { db, keyring }, out, err)
    } finally {
      keyring.close()
      await provider.close()
    }
  } finally {
    await db.close()
  }
}

async function mutate(command: string, tenant: string, batchSize: number, deps: Parameters<typeof rotateKey>[0], out: Out, err: Out) {
  try {
    if (command === 'rotate') {
      const r = await rotateKey(deps, tenant, ACTOR)
      out.write(`${tenant}: rotated key ${r.fromVersion === null ? '(none)' : `v${r.fromVersion}`} -> v${r.toVersion}; run rewrap to move existing data\n`)
    } else if (command === 'rewrap') {
      const controller = new AbortController()
      const onSignal = () => controller.abort()
      process.once('SIGINT', onSignal)
      const r = await rewrapKeys(deps, tenant, ACTOR, { batchSize, signal: controller.signal }).finally(() => process.off('SIGINT', onSignal))
      out.write(`${tenant}: re-encrypted ${r.messages} messages and ${r.conversations} conversation titles under v${r.toVersion} in ${r.batches} batches${r.complete ? '' : ' (interrupted; run again to finish)'}\n`)
      return r.complete ? 0 : 1
    } else {
      const r = await shredKeys(deps, tenant, ACTOR)
      out.write(`${tenant}: destroyed key versions ${r.versions.join(', ') || '(none left)'}; its transcripts are unreadable from now on and the next purge deletes them\n`)
    }
    return 0
  } catch (e) {
    if (e instanceof AppError && e.expose) {
      err.write(`keys: ${e.code}: ${e.message}\n`)
      return 1
    }
    throw e
  }
}

runKeysCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    process.stderr.write(`keys: ${startupFailureLine(e)}\n`)
    process.exitCode = 4
  },
)
