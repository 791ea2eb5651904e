import { createCipheriv, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import type { Principal } from '../../server/auth/principal.ts'
import { loadConfig } from '../../server/config.ts'
import { openLocalKms } from '../../server/crypto/kms-local.ts'
import { openMigratedDatabase } from '../../server/db/bootstrap.ts'
import type { Database } from '../../server/db/pool.ts'
import { withOwner } from '../../server/db/tx.ts'
import { createKeyring, type Keyring } from '../../server/keys/keyring.ts'
import { shredKeys } from '../../server/keys/keys.service.ts'
import { runPurge } from '../../server/retention/purge.service.ts'
import { appendMessages, getConversation, startConversation } from '../../server/transcripts/index.ts'
import { citation } from '../helpers/transcript-fixtures.ts'

/**
 * `npm run bench -- transcripts [--messages 100000] [--concurrency 4]` on the PostgreSQL server (BENCH_DATABASE_URL,
 * default postgres://postgres@127.0.0.1:5432/postgres), in a fresh database dropped afterwards:
 * - store: messages encrypted and stored per second through the transcript store (one append = question + answer
 *   with two citations, five appends per conversation, `concurrency` appends in flight);
 * - load: messages loaded and decrypted per second (getConversation over a sample of conversations);
 * - purge: rows deleted per second, by retention (half the conversations aged past it) and after a shred;
 * - shred: time to shred a tenant with 1,000 messages and one with the large count; it only updates tenant_keys,
 *   so it must not grow with the data;
 * - the raw AES-256-GCM rate of the same plaintext size, as the floor the envelope format is compared with.
 */
const ANSWER = 'According to the travel policy, economy class applies to flights under six hours; business class '.repeat(6)
const QUESTION = 'Which class may I book for a four hour flight to the Lisbon office next month?'
const CITATIONS = [citation('Economy class for flights under six hours.'), citation('Business class needs director approval.')]
const DEFAULTS = { public: 90, internal: 90, confidential: 30, restricted: 7 }
const round = (x: number) => Math.round(x * 10) / 10

function principal(tenantId: string, i: number): Principal {
  return { userId: `u${i}`, tenantId, clearance: 'restricted', departments: [], groups: [], roles: ['employee'], authTime: null, amr: [] }
}

/** Stores `messages` messages for a tenant (20 users); returns conversation ids with their owners and the rate. */
async function store(deps: { db: Database; keyring: Keyring }, tenantId: string, messages: number, concurrency: number, log: (s: string) => void) {
  const conversations = Math.ceil(messages / 10)
  const made: Array<{ id: string; owner: Principal }> = []
  let next = 0
  const started = performance.now()
  const cpu = process.cpuUsage()
  const worker = async () => {
    for (let i = next++; i < conversations; i = next++) {
      const owner = principal(tenantId, i % 20)
      const { conversationId } = await startConversation(deps, owner, `Conversation ${i}`)
      for (let k = 0; k < 5; k++) {
        await appendMessages(deps, owner, conversationId, [
          { role: 'user', text: QUESTION, classification: 'public' },
          { role: 'assistant', text: ANSWER, classification: 'internal', citations: CITATIONS, provider: 'extractive', model: 'x' },
        ])
      }
      made.push({ id: conversationId, owner })
      if ((i + 1) % 1000 === 0) log(`${tenantId}: stored ${(i + 1) * 10} messages`)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  return { made, seconds, perSecond: (conversations * 10) / seconds, cpuMicrosPerMessage: (used.user + used.system) / (conversations * 10) }
}

function rawGcmRate(plaintext: Buffer, seconds = 2): number {
  const key = randomBytes(32)
  let n = 0
  const deadline = performance.now() + seconds * 1000
  const started = performance.now()
  while (performance.now() < deadline) {
    for (let i = 0; i < 100; i++) {
      const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12))
      Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
    }
    n += 100
  }
  return n / ((performance.now() - started) / 1000)
}

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
    messages: { type: 'string', default: '100000' }, concurrency: { type: 'string', default: '4' },
    sample: { type: 'string', default: '1000' },
  } })
  const messages = Number(values.messages)
  const concurrency = Number(values.concurrency)
  const log = (line: string) => console.error(`[transcripts bench] ${line}`)
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const name = `strongroom_bench_transcripts_${process.pid}`
  await admin(adminUrl, `CREATE DATABASE ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-bench-transcripts-'))
  const config = loadConfig({
    NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, DATABASE_URL: url.toString(), DATABASE_POOL_MAX: String(concurrency + 2),
  })
  const db = await openMigratedDatabase(config, 'the transcripts benchmark')
  const provider = await openLocalKms({ masterKey: randomBytes(32).toString('base64') })
  const keyring = createKeyring({ db, provider, cacheTtlMs: 600_000 })
  const deps = { db, keyring }
  try {
    await withOwner(db, (tx) => tx.query(`INSERT INTO tenants (tenant_id, name) VALUES ('bench-small', 's'), ('bench-big', 'b')`))
    await store(deps, 'bench-small', 1000, concurrency, log)
    const big = await store(deps, 'bench-big', messages, concurrency, log)
    log(`stored ${messages} messages in ${round(big.seconds)} s`)

    const sample = big.made.slice(0, Math.min(Number(values.sample), big.made.length))
    keyring.forget('bench-big')
    let loaded = 0
    const loadStart = performance.now()
    let nextLoad = 0
    await Promise.all(Array.from({ length: concurrency }, async () => {
      for (let i = nextLoad++; i < sample.length; i = nextLoad++) {
        const count = (await getConversation(deps, sample[i]!.owner, sample[i]!.id))!.messages.length
        loaded += count
      }
    }))
    const loadSeconds = (performance.now() - loadStart) / 1000

    // Half the conversations fall past retention: purge them by the rule (hold check included).
    await withOwner(db, (tx) => tx.query(`UPDATE conversations SET last_message_at = now() - interval '400 days'
      WHERE tenant_id = 'bench-big' AND conversation_id IN (SELECT conversation_id FROM conversations WHERE tenant_id = 'bench-big' AND random() < 0.5)`))
    const retention = await timed(() => runPurge(db, { asOf: new Date(), batchSize: config.retention.purgeBatchSize, defaults: DEFAULTS }))
    const leftMessages = (await withOwner(db, (tx) => tx.query(`SELECT count(*)::int AS n FROM messages WHERE tenant_id = 'bench-big'`))).rows[0].n as number

    const shredSmall = await timed(() => shredKeys(deps, 'bench-small', 'cli:bench'))
    const shredBig = await timed(() => shredKeys(deps, 'bench-big', 'cli:bench'))
    const afterShred = await timed(() => runPurge(db, { asOf: new Date(), batchSize: config.retention.purgeBatchSize, defaults: DEFAULTS }))

    const plainBytes = Buffer.byteLength(ANSWER)
    const gcm = rawGcmRate(Buffer.alloc(plainBytes, 0x61))
    const report = {
      messages, concurrency, cpus: os.cpus().length, loadAverage: round(os.loadavg()[0] ?? 0), answerBytes: plainBytes,
      store: { seconds: round(big.seconds), messagesPerSecond: round(big.perSecond), nodeCpuMicrosPerMessage: Math.round(big.cpuMicrosPerMessage) },
      load: { conversations: sample.length, messages: loaded, messagesPerSecond: round(loaded / loadSeconds) },
      purgeRetention: rate(retention.seconds, retention.result.conversations, retention.result.messages),
      purgeAfterShred: rate(afterShred.seconds, afterShred.result.conversations, afterShred.result.messages),
      shred: { smallMessages: 1000, smallMs: round(shredSmall.seconds * 1000), bigMessages: leftMessages, bigMs: round(shredBig.seconds * 1000) },
      rawAesGcmPerSecond: Math.round(gcm),
    }
    console.log(`| measure | value |\n|---|---|`)
    console.log(`| store (encrypt + insert), messages/s | ${report.store.messagesPerSecond} (${report.store.nodeCpuMicrosPerMessage} us node CPU/message) |`)
    console.log(`| load + decrypt, messages/s | ${report.load.messagesPerSecond} |`)
    console.log(`| purge by retention, rows/s (conversations + messages) | ${report.purgeRetention.rowsPerSecond} |`)
    console.log(`| purge after shred, rows/s | ${report.purgeAfterShred.rowsPerSecond} |`)
    console.log(`| shred, 1,000 messages | ${report.shred.smallMs} ms |`)
    console.log(`| shred, ${leftMessages} messages | ${report.shred.bigMs} ms |`)
    console.log(`| raw AES-256-GCM, ${plainBytes} B, ops/s (one core) | ${report.rawAesGcmPerSecond} |`)
    console.log(`\n${messages} messages, concurrency ${concurrency}, ${report.cpus} CPUs, load average ${report.loadAverage}`)
    return report
  } finally {
    keyring.close()
    await provider.close()
    await db.close()
    await admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = performance.now()
  const result = await fn()
  return { result, seconds: (performance.now() - started) / 1000 }
}

function rate(seconds: number, conversations: number, messages: number) {
  return { seconds: round(seconds), conversations, messages, rowsPerSecond: round((conversations + messages) / seconds) }
}
