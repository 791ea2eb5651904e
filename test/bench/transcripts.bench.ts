import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { loadConfig } from '../../server/config.ts'
import { openLocalKms } from '../../server/crypto/kms-local.ts'
import { openMigratedDatabase } from '../../server/db/bootstrap.ts'
import type { Database } from '../../server/db/pool.ts'
import { withOwner } from '../../server/db/tx.ts'
import { createKeyring } from '../../server/keys/keyring.ts'
import { shredKeys } from '../../server/keys/keys.service.ts'
import { runPurge, type PurgeReport } from '../../server/retention/purge.service.ts'
import { rawGcm } from './raw-gcm.ts'
import { ageTenant, replicate, settle, tableSizes } from './transcripts-bulk.ts'
import { conversationPlaintexts, load, MESSAGES_PER_CONVERSATION, store, type StoreResult } from './transcripts-workload.ts'

/**
 * `npm run bench -- transcripts [--messages 20000] [--sample 2000] [--concurrency 4]` on the PostgreSQL server
 * (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres), in a fresh database dropped afterwards
 * (also on SIGINT/SIGTERM). `--messages 1000000` is the issue's size.
 *
 * - store: messages encrypted and stored per second through the transcript store, `--sample` messages per tenant,
 *   once into near-empty tables and once more after the bulk build, when the tables hold 2 x `--messages`;
 * - load: messages loaded and decrypted per second (getConversation) over conversations stored before the bulk build;
 * - purge: the real purge job (runPurge) at `--messages` due messages of one tenant, by retention; then again after
 *   the shred, which deletes the shredded tenants' rows;
 * - shred: shredKeys on a tenant with 1,000 messages and on one with `--messages`; it only touches tenant_keys;
 * - raw node:crypto AES-256-GCM on the very plaintexts a stored conversation seals, on one thread.
 *
 * The purge and shred populations are built by copying the genuinely stored conversations inside the server
 * (transcripts-bulk.ts explains what a copy is and is not); store and load figures come only from the real path.
 */
const TENANTS = ['bench-warm', 'bench-small', 'bench-retention', 'bench-shred', 'bench-store']
const DEFAULTS = { public: 90, internal: 90, confidential: 30, restricted: 7 }
const round = (x: number) => Math.round(x * 10) / 10
const log = (line: string) => console.error(`[transcripts bench] ${line}`)
const loadAverage = () => os.loadavg().map(round)

async function admin(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

export async function run(args: string[]) {
  const { values } = parseArgs({ args, options: {
    messages: { type: 'string', default: '20000' }, sample: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '4' }, chunk: { type: 'string', default: '100000' },
    'gcm-seconds': { type: 'string', default: '3' },
  } })
  const messages = Number(values.messages)
  const sample = Math.min(Number(values.sample), messages)
  const concurrency = Number(values.concurrency)
  if (![messages, sample].every((n) => Number.isInteger(n) && n >= MESSAGES_PER_CONVERSATION) || !(concurrency >= 1)) {
    throw new Error(`--messages and --sample must be integers >= ${MESSAGES_PER_CONVERSATION}, --concurrency >= 1`)
  }
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const name = `strongroom_bench_transcripts_${process.pid}`
  await admin(adminUrl, `CREATE DATABASE ${name}`)
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-bench-transcripts-'))
  const cleanup = () => admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    .finally(() => fs.rmSync(dataDir, { recursive: true, force: true }))
  // An interrupted million-message run would otherwise leave gigabytes behind.
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: dropping ${name}`)
    // The forced drop ends the connections still in use; their clients then raise errors nobody is waiting for.
    process.on('uncaughtException', (err) => {
      if ((err as { code?: string }).code !== '57P01') log(`while stopping: ${err.message}`)
    })
    void cleanup().finally(() => process.exit(130))
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const config = loadConfig({
    NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, DATABASE_URL: url.toString(), DATABASE_POOL_MAX: String(concurrency + 2),
  })
  let db: Database | undefined
  try {
    db = await openMigratedDatabase(config, 'the transcripts benchmark')
    return await measure(db, config.retention.purgeBatchSize, { messages, sample, concurrency, chunk: Number(values.chunk), gcmSeconds: Number(values['gcm-seconds']) })
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await db?.close()
    await cleanup()
  }
}

interface Options { messages: number; sample: number; concurrency: number; chunk: number; gcmSeconds: number }

async function measure(db: Database, batchSize: number, o: Options) {
  const provider = await openLocalKms({ masterKey: randomBytes(32).toString('base64') })
  const keyring = createKeyring({ db, provider, cacheTtlMs: 600_000 })
  const deps = { db, keyring }
  const purge = () => timed(() => runPurge(db, { asOf: new Date(), batchSize, defaults: DEFAULTS, actor: 'cli:bench' }))
  try {
    const loadAtStart = loadAverage()
    await withOwner(db, (tx) => tx.query(`INSERT INTO tenants (tenant_id, name) SELECT t, t FROM unnest($1::text[]) t`, [TENANTS]))
    log(`storing ${o.sample} messages each for bench-retention and bench-shred through the transcript store`)
    const templates = [await store(deps, 'bench-retention', o.sample, o.concurrency), await store(deps, 'bench-shred', o.sample, o.concurrency)]
    const storeEmpty = combine(templates)
    await store(deps, 'bench-small', 1000, o.concurrency)
    await store(deps, 'bench-warm', MESSAGES_PER_CONVERSATION, 1)

    // Retention: templates 100 days old, copies 100 to 400 days: every conversation is past its 90 days.
    // Shred tenant: copies up to 30 days old, so the retention purge leaves it whole.
    await ageTenant(db, 'bench-retention', 100)
    const bulkRetention = await replicate(db, 'bench-retention', o.messages, { minAgeDays: 0, maxAgeDays: 300, chunkMessages: o.chunk, log })
    const bulkShred = await replicate(db, 'bench-shred', o.messages, { minAgeDays: 0, maxAgeDays: 30, chunkMessages: o.chunk, log })
    const settleSeconds = await settle(db, log)
    const sizes = await tableSizes(db)
    log(`population: ${sizes.messages} messages, ${sizes.conversations} conversations, ${round(sizes.bytes / 1e9)} GB; settled in ${round(settleSeconds)} s`)
    const loadAfterBulk = loadAverage()

    const storeFull = await store(deps, 'bench-store', o.sample, o.concurrency)
    const loaded = await load(deps, templates[1]!.made, o.concurrency)
    log(`store ${round(storeFull.messagesPerSecond)}/s, load ${round(loaded.messagesPerSecond)}/s`)

    const before = await countsByTenant(db)
    const retention = await purge()
    const afterRetention = await countsByTenant(db)
    expect(retention.result, before['bench-retention']!, 'retention purge')
    for (const t of TENANTS.filter((t) => t !== 'bench-retention')) {
      if (afterRetention[t]!.messages !== before[t]!.messages) throw new Error(`retention purge touched ${t}`)
    }
    log(`retention purge: ${retention.result.messages} messages in ${round(retention.seconds)} s`)

    await shredKeys(deps, 'bench-warm', 'cli:bench')
    const shredSmall = await timed(() => shredKeys(deps, 'bench-small', 'cli:bench'))
    const shredBig = await timed(() => shredKeys(deps, 'bench-shred', 'cli:bench'))
    const afterShred = await purge()
    const shredded = ['bench-warm', 'bench-small', 'bench-shred'].map((t) => afterRetention[t]!)
    expect(afterShred.result, { conversations: sum(shredded, 'conversations'), messages: sum(shredded, 'messages') }, 'purge after shred')

    const plaintexts = conversationPlaintexts(0)
    const gcmMessage = rawGcm(plaintexts, o.gcmSeconds)
    const gcmBulk = rawGcm([randomBytes(1024 * 1024)], o.gcmSeconds)
    const rawMessagesPerSecond = gcmMessage.setsPerSecond * MESSAGES_PER_CONVERSATION
    const report = {
      messages: o.messages, sample: o.sample, concurrency: o.concurrency, purgeBatchSize: batchSize, cpus: os.cpus().length,
      node: process.version, loadAverage: { atStart: loadAtStart, afterBulk: loadAfterBulk, atEnd: loadAverage() },
      population: {
        ...sizes, settleSeconds: round(settleSeconds),
        bulkSeconds: round(bulkRetention.seconds + bulkShred.seconds),
        genuineMessagesPerTenant: bulkRetention.templates,
      },
      store: { emptyTables: rates(storeEmpty), fullTables: rates(storeFull) },
      load: { conversations: loaded.conversations, messages: loaded.messages, messagesPerSecond: round(loaded.messagesPerSecond), nodeCpuMicrosPerMessage: Math.round(loaded.nodeCpuMicrosPerMessage) },
      purgeRetention: rate(retention),
      purgeAfterShred: rate(afterShred),
      shred: {
        smallMessages: afterRetention['bench-small']!.messages, smallMs: round(shredSmall.seconds * 1000),
        bigMessages: afterRetention['bench-shred']!.messages, bigMs: round(shredBig.seconds * 1000),
      },
      rawAesGcm: {
        plaintextBytesPerConversation: plaintexts.reduce((n, v) => n + v.length, 0), sealsPerConversation: plaintexts.length,
        messagesPerSecond: Math.round(rawMessagesPerSecond), sealsPerSecond: Math.round(gcmMessage.sealsPerSecond),
        megabytesPerSecond: round(gcmMessage.megabytesPerSecond), bulkMegabytesPerSecond: round(gcmBulk.megabytesPerSecond),
        // CPU time is what stays comparable when other processes share the cores.
        cpuMicrosPerMessage: round(gcmMessage.cpuMicrosPerSet / MESSAGES_PER_CONVERSATION),
        bulkMegabytesPerCpuSecond: round((1024 * 1024) / gcmBulk.cpuMicrosPerSet),
      },
    }
    print(report)
    return report
  } finally {
    keyring.close()
    await provider.close()
  }
}

type Counts = { conversations: number; messages: number }

async function countsByTenant(db: Database): Promise<Record<string, Counts>> {
  const { rows } = await db.ownerPool.query(
    `SELECT t, (SELECT count(*) FROM conversations WHERE tenant_id = t)::int AS conversations,
            (SELECT count(*) FROM messages WHERE tenant_id = t)::int AS messages FROM unnest($1::text[]) t`,
    [TENANTS],
  )
  return Object.fromEntries(rows.map((r) => [r.t as string, { conversations: r.conversations as number, messages: r.messages as number }]))
}

/** A purge figure only counts if the job deleted exactly the rows it was meant to. */
function expect(report: PurgeReport, due: Counts, what: string) {
  if (!report.complete || report.conversations !== due.conversations || report.messages !== due.messages) {
    throw new Error(`${what} deleted ${report.conversations}/${report.messages}, expected ${due.conversations}/${due.messages}`)
  }
}

const sum = (counts: Counts[], key: keyof Counts) => counts.reduce((n, c) => n + c[key], 0)

function combine(runs: StoreResult[]) {
  const messages = runs.reduce((n, r) => n + r.messages, 0)
  const seconds = runs.reduce((n, r) => n + r.seconds, 0)
  const cpu = runs.reduce((n, r) => n + r.nodeCpuMicrosPerMessage * r.messages, 0)
  return { messages, seconds, messagesPerSecond: messages / seconds, nodeCpuMicrosPerMessage: cpu / messages }
}

const rates = (r: Omit<StoreResult, 'made'>) => ({
  messages: r.messages, seconds: round(r.seconds), messagesPerSecond: round(r.messagesPerSecond),
  nodeCpuMicrosPerMessage: Math.round(r.nodeCpuMicrosPerMessage),
})

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = performance.now()
  const result = await fn()
  return { result, seconds: (performance.now() - started) / 1000 }
}

function rate({ result, seconds }: { result: PurgeReport; seconds: number }) {
  return {
    seconds: round(seconds), conversations: result.conversations, messages: result.messages, batches: result.batches,
    rowsPerSecond: Math.round((result.conversations + result.messages) / seconds), messagesPerSecond: Math.round(result.messages / seconds),
  }
}

function print(r: Awaited<ReturnType<typeof measure>>) {
  const n = (x: number) => x.toLocaleString('en-US')
  const raw = r.rawAesGcm
  console.log(`| measure | value |\n|---|---|`)
  console.log(`| store (encrypt + insert), near-empty tables | ${n(r.store.emptyTables.messagesPerSecond)} messages/s (${r.store.emptyTables.nodeCpuMicrosPerMessage} us node CPU/message) |`)
  console.log(`| store, tables holding ${n(r.population.messages)} messages | ${n(r.store.fullTables.messagesPerSecond)} messages/s (${r.store.fullTables.nodeCpuMicrosPerMessage} us node CPU/message) |`)
  console.log(`| load + decrypt | ${n(r.load.messagesPerSecond)} messages/s (${r.load.nodeCpuMicrosPerMessage} us node CPU/message) |`)
  console.log(`| purge by retention, ${n(r.purgeRetention.messages)} due messages | ${n(r.purgeRetention.rowsPerSecond)} rows/s (${n(r.purgeRetention.messagesPerSecond)} messages/s, ${r.purgeRetention.seconds} s) |`)
  console.log(`| purge after shred, ${n(r.purgeAfterShred.messages)} messages | ${n(r.purgeAfterShred.rowsPerSecond)} rows/s (${n(r.purgeAfterShred.messagesPerSecond)} messages/s, ${r.purgeAfterShred.seconds} s) |`)
  console.log(`| shred, ${n(r.shred.smallMessages)} messages | ${r.shred.smallMs} ms |`)
  console.log(`| shred, ${n(r.shred.bigMessages)} messages | ${r.shred.bigMs} ms |`)
  console.log(`| raw AES-256-GCM, same plaintexts (${raw.sealsPerConversation} seals / ${MESSAGES_PER_CONVERSATION} messages) | ${n(raw.messagesPerSecond)} messages/s, ${raw.megabytesPerSecond} MB/s (${raw.cpuMicrosPerMessage} us CPU/message) |`)
  console.log(`| raw AES-256-GCM, 1 MiB buffers | ${raw.bulkMegabytesPerSecond} MB/s (${raw.bulkMegabytesPerCpuSecond} MB per CPU-second) |`)
  const cpuRatio = round(r.store.fullTables.nodeCpuMicrosPerMessage / raw.cpuMicrosPerMessage)
  console.log(`| store vs raw AES-GCM | ${round(raw.messagesPerSecond / r.store.fullTables.messagesPerSecond)}x slower; ${cpuRatio}x the CPU per message |`)
  console.log(`\n${n(r.messages)} messages per large tenant (${n(r.population.genuineMessagesPerTenant)} stored through the transcript store, the rest copied), ` +
    `concurrency ${r.concurrency}, ${r.cpus} CPUs, load average ${r.loadAverage.atStart.join(' ')} at start, ` +
    `${r.loadAverage.afterBulk.join(' ')} after the bulk build, ${r.loadAverage.atEnd.join(' ')} at end`)
}
