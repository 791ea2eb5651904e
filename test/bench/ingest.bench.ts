import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { ingestFile } from '../../ingest/pipeline.ts'
import type { IngestInput } from '../../ingest/types.ts'
import { loadConfig, type Config } from '../../server/config.ts'
import { openMigratedDatabase } from '../../server/db/bootstrap.ts'
import { LocalHashEmbedder } from '../../server/llm/local-embedder.ts'
import { prng } from '../helpers/synthetic-corpus.ts'

/**
 * `npm run bench -- ingest [--docs N] [--engine pglite|postgres|both] [--concurrency C]`: end-to-end ingest
 * throughput (parse + scan + chunk + embed with the local embedder + store with the live HNSW and full-text
 * indexes) in chunks per second, on embedded PGlite and on a fresh database of the PostgreSQL server
 * (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres). Target on the server: >= 2,000 chunks/s.
 */
const TARGET_SERVER_CHUNKS_PER_SECOND = 2000
const WORDS = ('reactor turbine ledger invoice harbour glacier orchard canal lighthouse volcano meteor telemetry ' +
  'forecast budget audit rollout incident latency replica shard payroll contract vendor freight customs tariff ' +
  'quarterly revenue margin pipeline sensor bearing thrust valve pressure backlog roadmap release migration index').split(' ')

function makeDocument(rand: () => number, n: number): Buffer {
  const word = () => WORDS[Math.floor(rand() * WORDS.length)] as string
  const sentence = () => {
    const s = Array.from({ length: 8 + Math.floor(rand() * 10) }, word).join(' ')
    return `${s[0]?.toUpperCase()}${s.slice(1)}.`
  }
  const parts = [`# Report ${n}`]
  for (let s = 0; s < 8; s++) {
    parts.push(`## Section ${s} on the ${word()} ${word()}`)
    for (let p = 0; p < 3; p++) parts.push(Array.from({ length: 4 }, sentence).join(' '))
  }
  return Buffer.from(parts.join('\n\n'))
}

interface EngineResult {
  engine: string
  documents: number
  chunks: number
  seconds: number
  chunksPerSecond: number
  documentsPerSecond: number
  /** CPU time of this Node process per chunk (parse, scan, chunk, embed, driver): meaningful even on a busy host. */
  nodeCpuMicrosPerChunk: number
  loadAverage: number
}

async function runEngine(engine: 'pglite' | 'postgres', docs: Buffer[], concurrency: number): Promise<EngineResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-bench-ingest-'))
  const env: Record<string, string> = { NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir }
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const dbName = `strongroom_bench_ingest_${process.pid}`
  if (engine === 'postgres') {
    await admin(adminUrl, `DROP DATABASE IF EXISTS ${dbName}`)
    await admin(adminUrl, `CREATE DATABASE ${dbName}`)
    const url = new URL(adminUrl)
    url.pathname = `/${dbName}`
    env.DATABASE_URL = url.toString()
    env.DATABASE_POOL_MAX = String(Math.max(2, concurrency + 1))
  }
  const config: Config = loadConfig(env)
  const db = await openMigratedDatabase(config, 'the ingest benchmark')
  const embedder = new LocalHashEmbedder()
  try {
    const deps = { db, embedder, config }
    const input = (bytes: Buffer, i: number): IngestInput => ({
      tenantId: 'bench', bytes, fileName: `report-${i}.md`, source: `bench/report-${i}.md`,
      classification: 'internal', departments: ['engineering'], allow: [], actor: 'cli:bench',
    })
    // Warm-up: JIT, the secretlint rule set, the database's caches; not counted.
    await ingestFile(deps, { ...input(docs[0] as Buffer, -1), source: 'bench/warmup.md' })
    let chunks = 0
    let next = 0
    const cpu = process.cpuUsage()
    const started = performance.now()
    const worker = async () => {
      for (let i = next++; i < docs.length; i = next++) {
        const r = await ingestFile(deps, input(docs[i] as Buffer, i))
        if (r.status !== 'added') throw new Error(`document ${i}: ${r.status} ${r.reason?.code ?? ''}`)
        chunks += r.chunks
      }
    }
    await Promise.all(Array.from({ length: engine === 'pglite' ? 1 : concurrency }, worker))
    const seconds = (performance.now() - started) / 1000
    const used = process.cpuUsage(cpu)
    return {
      engine, documents: docs.length, chunks, seconds: round(seconds),
      chunksPerSecond: round(chunks / seconds), documentsPerSecond: round(docs.length / seconds),
      nodeCpuMicrosPerChunk: Math.round((used.user + used.system) / chunks), loadAverage: round(os.loadavg()[0] ?? 0),
    }
  } finally {
    await db.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
    if (engine === 'postgres') await admin(adminUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
  }
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

const round = (x: number) => Math.round(x * 10) / 10

export async function run(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      docs: { type: 'string', default: '300' },
      engine: { type: 'string', default: 'both' },
      concurrency: { type: 'string', default: '2' },
    },
  })
  const rand = prng(42)
  const docs = Array.from({ length: Number(values.docs) }, (_, i) => makeDocument(rand, i))
  const engines = values.engine === 'both' ? (['pglite', 'postgres'] as const) : [values.engine as 'pglite' | 'postgres']
  const results: EngineResult[] = []
  for (const engine of engines) results.push(await runEngine(engine, docs, Number(values.concurrency)))
  console.log('| engine | documents | chunks | seconds | chunks/s | documents/s | node CPU us/chunk | load avg |')
  console.log('|---|---|---|---|---|---|---|---|')
  for (const r of results) {
    console.log(`| ${r.engine} | ${r.documents} | ${r.chunks} | ${r.seconds} | ${r.chunksPerSecond} | ${r.documentsPerSecond} | ` +
      `${r.nodeCpuMicrosPerChunk} | ${r.loadAverage} |`)
  }
  const server = results.find((r) => r.engine === 'postgres')
  if (server) console.log(`\nserver target >= ${TARGET_SERVER_CHUNKS_PER_SECOND} chunks/s: ${server.chunksPerSecond >= TARGET_SERVER_CHUNKS_PER_SECOND ? 'met' : 'NOT met'}`)
  return { target: TARGET_SERVER_CHUNKS_PER_SECOND, concurrency: Number(values.concurrency), cpus: os.cpus().length, results }
}
