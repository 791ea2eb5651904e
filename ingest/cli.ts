import { parseArgs } from 'node:util'
import { loadConfig, type Config } from '../server/config.ts'
import { openMigratedDatabase } from '../server/db/bootstrap.ts'
import { EmbeddedDatabaseBusyError } from '../server/db/embedded-lock.ts'
import type { Database } from '../server/db/pool.ts'
import { AppError } from '../server/errors.ts'
import { createEmbedder } from '../server/llm/create-embedder.ts'
import { checkEmbeddings } from '../server/retrieval/embedding-check.ts'
import { validateAttributes } from './attributes.ts'
import { collectFiles, readCapped, type CliFile } from './cli-files.ts'
import { ingestFile } from './pipeline.ts'
import type { IngestResult, IngestStatus } from './types.ts'

/**
 * `npm run ingest -- --tenant <t> --classification <level> [--department <d>]... [--allow <user:ID|group:NAME>]...
 * [--title <t>] <file-or-folder>...`
 *
 * Exit codes: 0 all files stored or unchanged, 1 a file was rejected or failed (or the start-up checks failed),
 * 2 usage or configuration error, 3 the embedded database is in use by a running server.
 */
const USAGE = `usage: npm run ingest -- --tenant <tenant> --classification <public|internal|confidential|restricted>
         [--department <name>]... [--allow <user:ID|group:NAME>]... [--title <title>] <file-or-folder>...`
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
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  return { ...values, paths: positionals }
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
    if (!args.tenant) throw new UsageError('--tenant is required')
    if (args.paths.length === 0) throw new UsageError('give at least one file or folder')
    config = loadConfig()
    // Attribute mistakes are the operator's: report them once, before touching the database.
    validateAttributes({ ...inputFor(args), bytes: Buffer.alloc(0), fileName: 'x', source: 'x' }, config)
    files = collectFiles(args.paths)
    if (args.title !== undefined && files.length !== 1) throw new UsageError('--title applies to exactly one file')
  } catch (err) {
    process.stderr.write(`ingest: ${(err as Error).message}\n${USAGE}\n`)
    return 2
  }

  let db: Database
  try {
    db = await openMigratedDatabase(config, 'npm run ingest')
  } catch (err) {
    process.stderr.write(`ingest: ${(err as Error).message}\n`)
    return err instanceof EmbeddedDatabaseBusyError ? 3 : 1
  }
  try {
    const embedder = createEmbedder(config)
    await checkEmbeddings(db, embedder)
    const totals: Record<IngestStatus | 'failed', number> = { added: 0, replaced: 0, unchanged: 0, quarantined: 0, rejected: 0, failed: 0 }
    let chunks = 0
    for (const file of files) {
      let result: IngestResult
      try {
        const bytes = readCapped(file.absolute, config.ingest.maxFileBytes + 1)
        result = await ingestFile({ db, embedder, config }, { ...inputFor(args), bytes, fileName: file.absolute, source: file.source })
      } catch (err) {
        totals.failed++
        process.stdout.write(`${'failed'.padEnd(12)}${file.source}  ${oneLine(err)}\n`)
        continue
      }
      totals[result.status]++
      if (result.status !== 'unchanged' && result.status !== 'rejected') chunks += result.chunks
      process.stdout.write(`${result.status.padEnd(12)}${file.source}  ${detail(result)}\n`)
    }
    process.stdout.write(
      `\nadded ${totals.added}, replaced ${totals.replaced}, unchanged ${totals.unchanged}, ` +
        `quarantined ${totals.quarantined}, rejected ${totals.rejected}, failed ${totals.failed}, chunks ${chunks}\n`,
    )
    return totals.rejected + totals.failed > 0 ? 1 : 0
  } catch (err) {
    process.stderr.write(`ingest: ${oneLine(err)}\n`)
    return 1
  } finally {
    await db.close()
  }
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
