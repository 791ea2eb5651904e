import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { toSql } from 'pgvector'
import { chunkDocument } from '../../ingest/chunk/chunk.ts'
import { embeddingInput } from '../../ingest/embed.ts'
import { ingestMany } from '../../ingest/ingest-many.ts'
import { DEFAULT_PARSE_LIMITS, parseDocument } from '../../ingest/parse/parse.ts'
import { encodeTextArray, encodeVectorArray } from '../../ingest/pg-binary.ts'
import { createPreparePool, defaultWorkerCount } from '../../ingest/prepare-pool.ts'
import { flagInstructions, scanDocument } from '../../ingest/scan-document.ts'
import type { IngestInput } from '../../ingest/types.ts'
import { vectorIndexState, withDeferredVectorIndex } from '../../ingest/vector-index.ts'
import { loadConfig, type Config } from '../../server/config.ts'
import { openMigratedDatabase } from '../../server/db/bootstrap.ts'
import { LocalHashEmbedder } from '../../server/llm/local-embedder.ts'
import { CLASSIFICATIONS, isClassification } from '../../server/policy/levels.ts'
import { prng } from '../helpers/synthetic-corpus.ts'
import { backendCpuMs } from './server-cpu.ts'

/**
 * `npm run bench -- ingest [--docs N] [--engine pglite|postgres|both] [--mode incremental|bulk|both] [--workers W]
 * [--writers N] [--batch-chunks N] [--classifications internal] [--profile]`: end-to-end ingest throughput (read, hash, dedupe check, parse, scan,
 * chunk, embed with the local embedder, store with the full-text index, and the HNSW index either maintained row by
 * row (`incremental`) or rebuilt after the load (`bulk`, as `npm run ingest -- --bulk`)) in chunks per second, on
 * embedded PGlite and on a fresh database of the PostgreSQL server (BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres). Target on the server: >= 2,000 chunks/s.
 *
 * `--classifications` lists the levels the documents take in turn (default `internal`: one level, so one HNSW index
 * to rebuild, the slowest case; `public,internal,confidential,restricted` spreads them, as a company's corpus does,
 * and bulk mode then builds the level indexes side by side).
 *
 * `--profile` adds the per-chunk CPU cost of each pipeline stage on one thread, the breakdown behind the totals.
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

type Engine = 'pglite' | 'postgres'
type Mode = 'incremental' | 'bulk'

interface RunResult {
  engine: Engine
  mode: Mode
  documents: number
  chunks: number
  seconds: number
  chunksPerSecond: number
  documentsPerSecond: number
  /** Bulk mode: seconds spent building the HNSW index after the load (included in `seconds`). */
  indexBuildSeconds: number
  /** CPU time of this Node process (all threads) per chunk: parse, scan, chunk, embed, driver. */
  nodeCpuMicrosPerChunk: number
  /**
   * CPU time of the benchmark database's server processes per chunk (inserts, full-text, index build), read from
   * /proc when the server runs on this host; null otherwise (and for PGlite, which runs inside the Node process).
   */
  serverCpuMicrosPerChunk: number | null
  loadAverage: number
}

interface Settings {
  classifications: IngestInput['classification'][]
  workers: number
  writers: number | undefined
  batchChunks: number | undefined
}

async function runEngine(engine: Engine, mode: Mode, docs: Buffer[], settings: Settings): Promise<RunResult> {
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
    env.DATABASE_POOL_MAX = '4'
  }
  const config: Config = loadConfig(env)
  const db = await openMigratedDatabase(config, 'the ingest benchmark')
  const embedder = new LocalHashEmbedder()
  // Worker start-up (module loading) happens once per process, like the JIT warm-up: outside the timed part.
  const pool = createPreparePool(settings.workers)
  try {
    const deps = { db, embedder, config }
    const input = (i: number): IngestInput => ({
      tenantId: 'bench', bytes: docs[i] as Buffer, fileName: `report-${i}.md`, source: `bench/report-${i}.md`,
      classification: settings.classifications[i % settings.classifications.length] as IngestInput['classification'],
      departments: ['engineering'], allow: [], actor: 'cli:bench',
    })
    const opts = { pool, writers: settings.writers, batchChunks: settings.batchChunks }
    // Warm-up on ten other documents: the workers' modules and JIT, the secretlint rule set, the database's caches;
    // not counted. (V8 keeps optimizing the scanners for a few hundred chunks; one document left that in the timing.)
    const rand = prng(7)
    const warmup = Array.from({ length: 10 }, (_, i) => makeDocument(rand, 10_000 + i))
    await ingestMany(deps, warmup.keys(), (i) => ({ ...input(0), bytes: warmup[i] as Buffer, source: `bench/warmup-${i}.md` }), opts)
    let chunks = 0
    let indexBuildSeconds = 0
    const serverCpu = engine === 'postgres' ? backendCpuMs(dbName) : null
    const cpu = process.cpuUsage()
    const started = performance.now()
    const load = async () => {
      const outcomes = await ingestMany(deps, docs.keys(), input, opts)
      for (const o of outcomes) {
        if (o.result?.status !== 'added') throw new Error(`document ${String(o.item)}: ${o.result?.status ?? String(o.error)}`)
        chunks += o.result.chunks
      }
    }
    if (mode === 'bulk') {
      let loaded = 0
      await withDeferredVectorIndex(db, {}, async () => {
        await load()
        loaded = performance.now()
      })
      indexBuildSeconds = (performance.now() - loaded) / 1000
      if ((await vectorIndexState(db)) !== 'valid') throw new Error('the vector index is not valid after the bulk load')
    } else {
      await load()
    }
    const seconds = (performance.now() - started) / 1000
    const used = process.cpuUsage(cpu)
    const serverMs = serverCpu === null ? null : (backendCpuMs(dbName) ?? Number.NaN) - serverCpu
    return {
      engine, mode, documents: docs.length, chunks, seconds: round(seconds),
      chunksPerSecond: round(chunks / seconds), documentsPerSecond: round(docs.length / seconds),
      indexBuildSeconds: round(indexBuildSeconds),
      nodeCpuMicrosPerChunk: Math.round((used.user + used.system) / chunks),
      serverCpuMicrosPerChunk: serverMs === null || Number.isNaN(serverMs) ? null : Math.round((serverMs * 1000) / chunks),
      loadAverage: round(os.loadavg()[0] ?? 0),
    }
  } finally {
    await pool.close()
    await db.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
    if (engine === 'postgres') await admin(adminUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
  }
}

/** Per-chunk CPU cost of each stage, one document after another on this thread (after one warm-up pass), in us. */
async function profileStages(docs: Buffer[]): Promise<Record<string, number>> {
  const embedder = new LocalHashEmbedder()
  const totals: Record<string, number> = {}
  let chunks = 0
  for (let pass = 0; pass < 2; pass++) {
    for (const k of Object.keys(totals)) totals[k] = 0
    chunks = 0
    for (const bytes of docs) {
      // CPU time rather than wall time: on one thread the two agree, except that CPU time ignores other processes.
      const time = async <T>(stage: string, f: () => T | Promise<T>): Promise<T> => {
        const t = process.cpuUsage()
        const r = await f()
        const used = process.cpuUsage(t)
        totals[stage] = (totals[stage] ?? 0) + (used.user + used.system) / 1000
        return r
      }
      await time('sha256', () => createHash('sha256').update(bytes).digest('hex'))
      const parsed = await time('parse', () => parseDocument(bytes, { fileName: 'r.md', limits: DEFAULT_PARSE_LIMITS }))
      const scanned = await time('scan (PII, secrets, hidden text)', () => scanDocument(parsed, 'flag', parsed.title ?? 'r'))
      const cs = await time('chunk (LangChain splitter)', () => chunkDocument(scanned.doc, { chunkSize: 1000, chunkOverlap: 150 }))
      await time('injection scoring per chunk', () => flagInstructions(cs, {}))
      const vectors = await time('embed (local lexical)', () =>
        embedder.embedDocuments(cs.map((c) => embeddingInput(scanned.title, c.headingPath, c.text))))
      await time('vector as text (pgvector toSql, before)', () => vectors.map((v) => toSql(v)))
      await time('vectors + text as binary arrays (now)', () => {
        const flat = new Float32Array(vectors.length * embedder.dimensions)
        vectors.forEach((v, i) => flat.set(v, i * embedder.dimensions))
        encodeVectorArray(16000, flat, embedder.dimensions)
        encodeTextArray(cs.map((c) => c.text))
      })
      chunks += cs.length
    }
  }
  return Object.fromEntries(Object.entries(totals).map(([k, ms]) => [k, round((ms * 1000) / chunks)]))
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
      mode: { type: 'string', default: 'both' },
      workers: { type: 'string', default: String(defaultWorkerCount()) },
      writers: { type: 'string' },
      'batch-chunks': { type: 'string' },
      classifications: { type: 'string', default: 'internal' },
      profile: { type: 'boolean', default: false },
    },
  })
  const rand = prng(42)
  const docs = Array.from({ length: Number(values.docs) }, (_, i) => makeDocument(rand, i))
  const engines = values.engine === 'both' ? (['pglite', 'postgres'] as const) : [values.engine as Engine]
  const modes = values.mode === 'both' ? (['incremental', 'bulk'] as const) : [values.mode as Mode]
  const classifications = String(values.classifications).split(',')
  if (!classifications.every(isClassification)) throw new Error(`--classifications: each of ${CLASSIFICATIONS.join(', ')}`)
  const settings: Settings = {
    classifications,
    workers: Number(values.workers),
    writers: values.writers === undefined ? undefined : Number(values.writers),
    batchChunks: values['batch-chunks'] === undefined ? undefined : Number(values['batch-chunks']),
  }
  const results: RunResult[] = []
  for (const engine of engines) for (const mode of modes) results.push(await runEngine(engine, mode, docs, settings))
  console.log(`workers ${settings.workers}, cores ${os.availableParallelism()}, classifications ${classifications.join(',')}\n`)
  console.log('| engine | mode | documents | chunks | seconds | of which index build | chunks/s | documents/s | ' +
    'node CPU us/chunk | server CPU us/chunk | load avg |')
  console.log('|---|---|---|---|---|---|---|---|---|---|---|')
  for (const r of results) {
    console.log(`| ${r.engine} | ${r.mode} | ${r.documents} | ${r.chunks} | ${r.seconds} | ${r.indexBuildSeconds} | ` +
      `${r.chunksPerSecond} | ${r.documentsPerSecond} | ${r.nodeCpuMicrosPerChunk} | ${r.serverCpuMicrosPerChunk ?? '-'} | ${r.loadAverage} |`)
  }
  const best = results.filter((r) => r.engine === 'postgres').sort((a, b) => b.chunksPerSecond - a.chunksPerSecond)[0]
  if (best) {
    console.log(`\nserver target >= ${TARGET_SERVER_CHUNKS_PER_SECOND} chunks/s: ` +
      `${best.chunksPerSecond >= TARGET_SERVER_CHUNKS_PER_SECOND ? 'met' : 'NOT met'} (${best.mode}: ${best.chunksPerSecond})`)
  }
  let stages: Record<string, number> | undefined
  if (values.profile) {
    stages = await profileStages(docs)
    console.log('\n| stage (one thread) | CPU us/chunk |\n|---|---|')
    for (const [stage, us] of Object.entries(stages)) console.log(`| ${stage} | ${us} |`)
  }
  return { target: TARGET_SERVER_CHUNKS_PER_SECOND, settings, cpus: os.availableParallelism(), results, stages }
}
