import fs from 'node:fs'
import { parseArgs } from 'node:util'
import { loadConfig, type Config } from '../server/config.ts'
import type { Database } from '../server/db/pool.ts'
import { AppError } from '../server/errors.ts'
import { createEmbedder } from '../server/llm/create-embedder.ts'
import { checkEmbeddings } from '../server/retrieval/embedding-check.ts'
import { validateAttributes } from './attributes.ts'
import { estimateChunks, useBulk, type BulkChoice } from './bulk-mode.ts'
import { openCliDatabase } from './cli-database.ts'
import { collectFiles, readCapped, type CliFile } from './cli-files.ts'
import { ingestMany, type ItemOutcome } from './ingest-many.ts'
import { createPreparePool, defaultWorkerCount, type PreparePool } from './prepare-pool.ts'
import type { IngestResult, IngestStatus } from './types.ts'
import { ensureVectorIndex, vectorIndexState, withDeferredVectorIndex } from './vector-index.ts'

/**
 * `npm run ingest -- --tenant <t> --classification <level> [--department <d>]... [--allow <user:ID|group:NAME>]...
 * [--title <t>] [--bulk | --no-bulk] [--workers <n>] <file-or-folder>...`, or `npm run ingest -- --indexes-only`
 *
 * Every run first repairs the vector indexes (ensureVectorIndex): it builds missing ones and rebuilds a level's graph
 * that incremental ingest has grown past the large-level size. `--indexes-only` does only that, for deployments that
 * ingest through the admin API.
 *
 * Exit codes: 0 all files stored or unchanged, 1 a file was rejected or failed (or the start-up checks failed),
 * 2 usage or configuration error, 3 the embedded database is in use by a running server, 130 interrupted (SIGINT or
 * SIGTERM: files being parsed or written finish, the rest are not started, the vector indexes are rebuilt before exit;
 * a second signal quits at once, and the next run rebuilds the index).
 */
const USAGE = `usage: npm run ingest -- --tenant <tenant> --classification <public|internal|confidential|restricted>
         [--department <name>]... [--allow <user:ID|group:NAME>]... [--title <title>]
         [--bulk | --no-bulk] [--workers <n>] <file-or-folder>...
       npm run ingest -- --indexes-only`
const ACTOR = 'cli:ingest'

class UsageError extends Error {}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      tenant: { type: 'string' },
      classification: { type: 'string' },
      department: { type: 'string', multiple: true, default: [] },
      allow: { type: 'string', multiple: true, default: [] },
      title: { type: 'string' },
      bulk: { type: 'boolean', default: false },
      'no-bulk': { type: 'boolean', default: false },
      workers: { type: 'string' },
      'indexes-only': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.bulk && values['no-bulk']) throw new UsageError('--bulk and --no-bulk exclude each other')
  const bulk: BulkChoice = values.bulk ? 'on' : values['no-bulk'] ? 'off' : 'auto'
  const workers = values.workers === undefined ? defaultWorkerCount() : Number(values.workers)
  if (!/^\d+$/.test(values.workers ?? '0') || workers > 64) throw new UsageError('--workers must be an integer from 0 to 64')
  return { ...values, bulk, workers, paths: positionals }
}

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>
  let config: Config
  let files: CliFile[]
  try {
    args = parse(argv)
    if (args.help) {
      process.stdout.write(`${USAGE}\n`)
      return 0
    }
    config = loadConfig()
    if (args['indexes-only']) {
      if (args.paths.length > 0 || argv.length > 1) throw new UsageError('--indexes-only takes no other option or file')
      return await indexesOnly(config)
    }
    if (!args.tenant) throw new UsageError('--tenant is required')
    if (args.paths.length === 0) throw new UsageError('give at least one file or folder')
    // Attribute mistakes are the operator's: report them once, before touching the database.
    validateAttributes({ ...inputFor(args), bytes: Buffer.alloc(0), fileName: 'x', source: 'x' }, config)
    files = collectFiles(args.paths)
    if (args.title !== undefined && files.length !== 1) throw new UsageError('--title applies to exactly one file')
  } catch (err) {
    process.stderr.write(`ingest: ${(err as Error).message}\n${USAGE}\n`)
    return 2
  }

  // Workers load their modules while the database opens and migrates.
  const pool = createPreparePool(files.length > 1 ? args.workers : 0)
  const db = await openCliDatabase(config, 'npm run ingest', 'ingest')
  if (typeof db === 'number') {
    await pool.close()
    return db
  }
  const stop = new AbortController()
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(130)
    stop.abort()
    process.stderr.write('ingest: stopping after the files in progress (again to quit at once)\n')
  }
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal)
  try {
    const embedder = createEmbedder(config)
    await checkEmbeddings(db, embedder)
    const log = (message: string) => process.stdout.write(`${message}\n`)
    // An earlier bulk load that was killed left the index dropped: searches were exact but slow since. Repair first.
    await ensureVectorIndex(db, { log })
    const bytes = files.reduce((n, f) => n + (fs.statSync(f.absolute, { throwIfNoEntry: false })?.size ?? 0), 0)
    const bulk = await useBulk(db, args.bulk, estimateChunks(bytes, config.ingest.chunkSize, config.ingest.chunkOverlap))
    const run = () => ingestAll(db, embedder, config, args, files, pool, stop.signal)
    if (bulk) log('bulk load: the vector indexes are rebuilt once after the load; searches stay exact meanwhile')
    const totals = bulk ? await withDeferredVectorIndex(db, { log }, run) : await run()
    const notStarted = files.length - Object.values(totals.counts).reduce((a, b) => a + b, 0)
    const c = totals.counts
    process.stdout.write(
      `\nadded ${c.added}, replaced ${c.replaced}, unchanged ${c.unchanged}, quarantined ${c.quarantined}, ` +
        `rejected ${c.rejected}, failed ${c.failed}, chunks ${totals.chunks}` +
        `${notStarted > 0 ? `, not started ${notStarted} (interrupted)` : ''}\n`,
    )
    if (stop.signal.aborted) return 130
    return c.rejected + c.failed > 0 ? 1 : 0
  } catch (err) {
    process.stderr.write(`ingest: ${oneLine(err)}\n`)
    return 1
  } finally {
    await pool.close()
    await db.close()
    // Only now: embedded PGlite runs queries on this thread, so a signal may wait until here to be handled.
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal)
  }
}

/** `--indexes-only`: the start-up repair of every run, alone; 0 when the indexes are complete afterwards. */
async function indexesOnly(config: Config): Promise<number> {
  const db = await openCliDatabase(config, 'npm run ingest', 'ingest')
  if (typeof db === 'number') return db
  try {
    const log = (message: string) => process.stdout.write(`${message}\n`)
    const built = await ensureVectorIndex(db, { log })
    const complete = (await vectorIndexState(db)) === 'valid'
    if (complete && !built) log('vector indexes: complete, each built for its level\'s size')
    return complete ? 0 : 1
  } catch (err) {
    process.stderr.write(`ingest: ${oneLine(err)}\n`)
    return 1
  } finally {
    await db.close()
  }
}

async function ingestAll(
  db: Database,
  embedder: ReturnType<typeof createEmbedder>,
  config: Config,
  args: ReturnType<typeof parse>,
  files: CliFile[],
  pool: PreparePool,
  signal: AbortSignal,
) {
  const counts: Record<IngestStatus | 'failed', number> = { added: 0, replaced: 0, unchanged: 0, quarantined: 0, rejected: 0, failed: 0 }
  let chunks = 0
  const print = (o: ItemOutcome<unknown>) => {
    const file = o.item as CliFile
    if (!o.result) {
      counts.failed++
      process.stdout.write(`${'failed'.padEnd(12)}${file.source}  ${oneLine(o.error)}\n`)
      return
    }
    counts[o.result.status]++
    if (o.result.status !== 'unchanged' && o.result.status !== 'rejected') chunks += o.result.chunks
    process.stdout.write(`${o.result.status.padEnd(12)}${file.source}  ${detail(o.result)}\n`)
  }
  const load = (file: CliFile) => ({
    ...inputFor(args), bytes: readCapped(file.absolute, config.ingest.maxFileBytes + 1), fileName: file.absolute, source: file.source,
  })
  await ingestMany({ db, embedder, config }, files, load, { pool, signal, onResult: print })
  return { counts, chunks }
}

function inputFor(args: ReturnType<typeof parse>) {
  return {
    tenantId: args.tenant as string,
    departments: args.department,
    allow: args.allow,
    actor: ACTOR,
    ...(args.classification === undefined ? {} : { classification: args.classification }),
    ...(args.title === undefined ? {} : { title: args.title }),
  }
}

function detail(r: IngestResult): string {
  if (r.reason) return `${r.reason.code}: ${r.reason.message}`
  const findings = Object.entries(r.findings).map(([type, n]) => `${type}=${n}`).join(' ')
  return `${r.chunks} chunks${findings ? `  findings: ${findings}` : ''}`
}

/** Error messages only (AppError messages are written to be shown); never a stack or a driver's detail field. */
function oneLine(err: unknown): string {
  const e = err as Error
  const code = err instanceof AppError ? `${err.code}: ` : ''
  return `${code}${e?.message ?? String(err)}`.replace(/\s+/g, ' ')
}

process.exitCode = await main(process.argv.slice(2))
