import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import fs from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import path from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import pg from 'pg'
import { createApp } from '../../server/app.ts'
import { ACCESS_MATRIX } from '../../server/auth/access-matrix.ts'
import { guard } from '../../server/auth/guard.ts'
import { principalFromClaims } from '../../server/auth/principal.ts'
import { createTokenVerifier } from '../../server/auth/verify-token.ts'
import { chatRoutes } from '../../server/chat/chat.routes.ts'
import { chatStageChannel, type ChatStage, type ChatStageTiming } from '../../server/chat/chat.trace.ts'
import { CHAT_K } from '../../server/chat/retrieve.ts'
import { loadConfig } from '../../server/config.ts'
import { openLocalKms } from '../../server/crypto/kms-local.ts'
import { openMigratedDatabase } from '../../server/db/bootstrap.ts'
import { withOwner } from '../../server/db/tx.ts'
import { createKeyring } from '../../server/keys/keyring.ts'
import type { ChatInput, ChatProvider } from '../../server/llm/chat-provider.ts'
import { ExtractiveChatProvider } from '../../server/llm/extractive-chat.ts'
import { LocalHashEmbedder } from '../../server/llm/local-embedder.ts'
import { createLogger } from '../../server/logger.ts'
import { searchChunks } from '../../server/retrieval/search.service.ts'
import { FRACTION_PRINCIPALS, queries, type CorpusSpec } from '../helpers/synthetic-corpus.ts'
import { loadCorpus } from './retrieval-load.ts'
import { backendCpuMs } from './server-cpu.ts'

/**
 * `npm run bench -- chat [--chunks 100000] [--requests 400] [--seconds 20] [--connections 16]`: the chat pipeline
 * with the offline extractive provider on the PostgreSQL server (BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres) over the synthetic corpus, through HTTP with real bearer-token
 * verification, the rate limiters, input and output guards, retrieval, transcript encryption and storage, limits and
 * audit. Reports the pipeline time without the model (wall time minus the provider's own time) p50/p95 from
 * sequential requests with its breakdown by stage (server/chat/chat.trace.ts; "http" is the rest: bearer-token
 * verification, rate limits, JSON), and sustained requests per second with seven users in parallel (autocannon in a
 * worker thread) with the server thread's event-loop utilization, the CPU per request of this process and of the
 * database server, and the requests per second those costs allow on the machine's cores. Targets: p50 <= 25 ms,
 * p95 <= 60 ms, >= 150 requests/s on 2 cores.
 */
const TARGETS = { p50Ms: 25, p95Ms: 60, requestsPerSecond: 150 }
const ISSUER = 'https://bench-idp.invalid'
const AUDIENCE = 'strongroom-api'

/** Times the wrapped provider so that model time can be taken out of the pipeline figure. */
class TimedProvider implements ChatProvider {
  readonly inner = new ExtractiveChatProvider()
  readonly name = this.inner.name
  readonly model = this.inner.model
  readonly external = this.inner.external
  modelMs = 0
  async invoke(input: ChatInput, signal: AbortSignal) {
    const t = performance.now()
    try {
      return await this.inner.invoke(input, signal)
    } finally {
      this.modelMs += performance.now() - t
    }
  }
  stream(input: ChatInput, signal: AbortSignal) {
    return this.inner.stream(input, signal)
  }
}

/** Table rows of the breakdown, in pipeline order. */
const STAGE_LABELS: Record<ChatStage | 'http', string> = {
  input_guard: 'input guard',
  admit: 'admission: concurrency and budget slot (own transaction)',
  history: 'history re-check',
  retrieval: 'retrieval: query embedding and permitted hybrid search',
  generate: 'generation without the model: prompt, output guard',
  store: 'store: encrypt and store the exchange, lease end, audit (one transaction)',
  release: 'of which lease end and audit appends (tenant chain lock held from here to commit)',
  http: 'http: token verification, rate limits, JSON (the rest)',
}

const VOCABULARY = 'audit policy ledger invoice server vendor budget roadmap incident review contract payroll release'.split(' ')
const question = (cluster: number, i: number) =>
  `What about the topic${cluster} ${VOCABULARY[i % VOCABULARY.length]} and ${VOCABULARY[(i * 7 + 3) % VOCABULARY.length]} review?`

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number
}

export async function run(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      chunks: { type: 'string', default: '100000' },
      requests: { type: 'string', default: '400' },
      seconds: { type: 'string', default: '20' },
      connections: { type: 'string', default: '16' },
    },
  })
  const spec: CorpusSpec = { chunks: Number(values.chunks), chunksPerDoc: 20, clusters: 200, seed: 20250101, words: 60 }
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const dbName = `strongroom_bench_chat_${spec.chunks}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  if (!(await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName])).rowCount) await admin.query(`CREATE DATABASE ${dbName}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${dbName}`
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-bench-chat-'))
  const config = loadConfig({
    NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, DATABASE_URL: url.toString(), DATABASE_POOL_MAX: '12',
    RATE_LIMIT_CHAT_PER_MINUTE: '1000000', RATE_LIMIT_API_PER_MINUTE: '1000000', CHAT_MAX_CONCURRENT: '1000',
    CHAT_DAILY_TOKEN_BUDGET: '2000000000', PROMPT_CANARY: 'bench-canary-secret-0123456789',
  })
  const db = await openMigratedDatabase(config, 'the chat benchmark')
  const log = (line: string) => process.stderr.write(`${line}\n`)
  // Transcripts, keys and counters of earlier runs go first: each run starts with an empty store, and the corpus
  // loader may need to drop the tenant rows they reference.
  await withOwner(db, (tx) => tx.query(`DELETE FROM messages; DELETE FROM conversations; DELETE FROM tenant_keys;
    DELETE FROM chat_leases; DELETE FROM chat_usage; DELETE FROM rate_limits; DELETE FROM users`))
  const load = await loadCorpus(db, spec, queries(spec, 20), log)
  log(load.reused ? 'corpus reused' : `corpus loaded in ${load.loadSeconds.toFixed(0)} s, index ${load.indexSeconds.toFixed(0)} s`)

  const { publicKey, privateKey } = await generateKeyPair('ES256')
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256', use: 'sig' }
  const verifier = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [jwk] }, algorithms: ['ES256'], clockToleranceSeconds: 30, requiredTyp: 'at+jwt' })
  const tokens = await Promise.all(FRACTION_PRINCIPALS.map(({ subject }) => new SignJWT({
    tenant: subject.tenantId, clearance: subject.clearance, departments: [...subject.departments], groups: [...subject.groups], roles: ['employee'],
  }).setProtectedHeader({ alg: 'ES256', kid: 'bench', typ: 'at+jwt' }).setSubject(subject.userId).setIssuer(ISSUER)
    .setAudience(AUDIENCE).setIssuedAt().setExpirationTime('2h').sign(privateKey)))
  const kms = await openLocalKms({ masterKey: Buffer.alloc(32, 7).toString('base64') })
  const keyring = createKeyring({ db, provider: kms, cacheTtlMs: 300_000 })
  const provider = new TimedProvider()
  const logger = createLogger('silent')
  const app = createApp({
    config, db, logger,
    guard: guard({
      matrix: ACCESS_MATRIX, stepUpMaxAgeSeconds: 900, publicOrigin: 'http://127.0.0.1',
      principalFromBearer: async (t) => principalFromClaims(await verifier.verify(t), config.oidc.claims),
      principalFromSession: async () => undefined,
    }),
    routers: [chatRoutes({ db, embedder: new LocalHashEmbedder({ dimensions: 384 }), keyring, config, logger, provider })],
  })
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const requestFor = (i: number) => ({
    method: 'POST' as const, path: '/api/chat',
    headers: { authorization: `Bearer ${tokens[i % tokens.length]}`, 'content-type': 'application/json' },
    body: JSON.stringify({ message: question((i * 37) % spec.clusters, i) }),
  })
  try {
    const total = Number(values.requests)
    const pipelineMs: number[] = []
    const stageMs = new Map<ChatStage | 'http', number[]>()
    let stages: Partial<Record<ChatStage, number>> = {}
    const onStage = (message: unknown) => {
      const { stage, ms } = message as ChatStageTiming
      stages[stage] = (stages[stage] ?? 0) + ms
    }
    subscribe(chatStageChannel.name, onStage)
    let grounded = 0
    try {
      for (let i = -20; i < total; i++) {
        const r = requestFor(Math.max(0, i))
        const modelBefore = provider.modelMs
        stages = {}
        const t = performance.now()
        const res = await fetch(origin + r.path, { method: 'POST', headers: r.headers, body: r.body })
        const body = (await res.json()) as { citations?: unknown[] }
        const modelMs = provider.modelMs - modelBefore
        const ms = performance.now() - t - modelMs
        if (res.status !== 200) throw new Error(`chat request failed with ${res.status}: ${JSON.stringify(body)}`)
        if (i < 0) continue
        pipelineMs.push(ms)
        if ((body.citations?.length ?? 0) > 0) grounded++
        // The model's own time is taken out of its stage, as it is out of the pipeline figure.
        if (stages.generate !== undefined) stages.generate -= modelMs
        const counted = (['input_guard', 'admit', 'history', 'retrieval', 'generate', 'store'] as const)
          .reduce((n, stage) => n + (stages[stage] ?? 0), 0)
        for (const [stage, v] of [...Object.entries(stages), ['http', ms - counted]] as Array<[ChatStage | 'http', number]>) {
          stageMs.set(stage, [...(stageMs.get(stage) ?? []), v])
        }
      }
    } finally {
      unsubscribe(chatStageChannel.name, onStage)
    }
    pipelineMs.sort((a, b) => a - b)
    // Retrieval alone (query embedding + searchChunks, as retrieve() runs it), to show its share of the pipeline.
    const retrievalMs: number[] = []
    const embedder = new LocalHashEmbedder({ dimensions: 384 })
    for (let i = 0; i < Math.min(total, 200); i++) {
      const { subject } = FRACTION_PRINCIPALS[i % FRACTION_PRINCIPALS.length] as (typeof FRACTION_PRINCIPALS)[number]
      const text = question((i * 37) % spec.clusters, i)
      const t = performance.now()
      await searchChunks(db, subject, { text, embedding: await embedder.embedQuery(text), k: CHAT_K })
      retrievalMs.push(performance.now() - t)
    }
    retrievalMs.sort((a, b) => a - b)
    const breakdown = Object.fromEntries((Object.keys(STAGE_LABELS) as Array<ChatStage | 'http'>).flatMap((stage) => {
      const sorted = [...(stageMs.get(stage) ?? [])].sort((a, b) => a - b)
      return sorted.length === 0 ? [] : [[stage, { requests: sorted.length, p50Ms: percentile(sorted, 0.5), p95Ms: percentile(sorted, 0.95) }]]
    })) as Partial<Record<ChatStage | 'http', { requests: number; p50Ms: number; p95Ms: number }>>
    const latency = {
      requests: total, grounded, p50Ms: percentile(pipelineMs, 0.5), p95Ms: percentile(pipelineMs, 0.95), p99Ms: percentile(pipelineMs, 0.99),
      retrievalP50Ms: percentile(retrievalMs, 0.5), retrievalP95Ms: percentile(retrievalMs, 0.95), breakdown,
    }

    const elu = performance.eventLoopUtilization()
    const processCpu = process.cpuUsage()
    const databaseCpuBefore = backendCpuMs(dbName)
    const cannon = await autocannon({
      url: origin, connections: Number(values.connections), duration: Number(values.seconds), workers: 1,
      requests: Array.from({ length: 200 }, (_, i) => requestFor(i)),
    })
    // The server shares this thread with nothing but the benchmark's bookkeeping (autocannon runs in a worker), so
    // its utilization shows whether one Node process is the limit. Busy ms per request is wall time spent in
    // callbacks: close to CPU time on a quiet machine, inflated when other processes compete for the cores.
    const busy = performance.eventLoopUtilization(elu)
    const databaseCpuAfter = backendCpuMs(dbName)
    const processCpuMs = (({ user, system }) => (user + system) / 1000)(process.cpuUsage(processCpu))
    const served = Math.max(1, cannon['2xx'])
    // What one request costs the machine under load, in CPU time: this process (the server thread, autocannon's
    // worker thread, the garbage collector's helpers and libuv's thread pool) and the server processes that serve
    // this database (/proc; null when the server is on another host). Busy wall time above is no CPU measure once
    // the cores are saturated, since a thread descheduled inside a callback still counts as busy.
    const cpu = {
      processMs: processCpuMs / served,
      databaseMs: databaseCpuBefore === null || databaseCpuAfter === null ? null : (databaseCpuAfter - databaseCpuBefore) / served,
    }
    // Requests per second that these costs allow on this machine's cores: the ceiling the throughput figure meets
    // when the machine is saturated.
    const cpuCeiling = cpu.databaseMs === null ? null : (os.cpus().length * 1000) / (cpu.processMs + cpu.databaseMs)
    const throughput = {
      connections: Number(values.connections), users: tokens.length, seconds: cannon.duration,
      eventLoopUtilization: busy.utilization, serverThreadMsPerRequest: busy.active / served, cpuMsPerRequest: cpu, cpuCeilingPerSecond: cpuCeiling,
      requestsPerSecond: cannon.requests.average, ok: cannon['2xx'], non2xx: cannon.non2xx, errors: cannon.errors,
      timeouts: cannon.timeouts, latencyP50Ms: cannon.latency.p50, latencyP99Ms: cannon.latency.p99,
    }
    const report = {
      engine: 'postgres', chunks: spec.chunks, cpus: os.cpus().length, loadAverage: os.loadavg()[0], latency, throughput, targets: TARGETS,
      met: { p50: latency.p50Ms <= TARGETS.p50Ms, p95: latency.p95Ms <= TARGETS.p95Ms, throughput: throughput.requestsPerSecond >= TARGETS.requestsPerSecond },
    }
    console.log([
      `### Chat pipeline, offline provider, PostgreSQL, ${spec.chunks} chunks (${report.cpus} CPUs, load ${report.loadAverage?.toFixed(1)})`,
      '| measure | value | target |',
      '|---|---|---|',
      `| pipeline time without the model, p50 | ${latency.p50Ms.toFixed(1)} ms | <= ${TARGETS.p50Ms} ms |`,
      `| pipeline time without the model, p95 | ${latency.p95Ms.toFixed(1)} ms | <= ${TARGETS.p95Ms} ms |`,
      `| of which retrieval alone (embedding + searchChunks), p50 / p95 | ${latency.retrievalP50Ms.toFixed(1)} / ${latency.retrievalP95Ms.toFixed(1)} ms | |`,
      `| sustained requests/s (${throughput.users} users, ${throughput.connections} connections, ${throughput.seconds} s) | ${throughput.requestsPerSecond.toFixed(0)} (non-2xx ${throughput.non2xx}, errors ${throughput.errors}) | >= ${TARGETS.requestsPerSecond} |`,
      `| latency under load p50 / p99 | ${throughput.latencyP50Ms} / ${throughput.latencyP99Ms} ms | |`,
      `| server thread under load: event-loop utilization, busy ms per request (about its CPU cost on a quiet machine) | ${(throughput.eventLoopUtilization * 100).toFixed(0)}%, ${throughput.serverThreadMsPerRequest.toFixed(2)} ms | |`,
      `| CPU per request under load: this process (server and load generator) / database server | ${cpu.processMs.toFixed(2)} / ${cpu.databaseMs?.toFixed(2) ?? 'n/a'} ms | |`,
      `| requests/s these CPU costs allow on ${report.cpus} cores | ${cpuCeiling?.toFixed(0) ?? 'n/a'} | |`,
      `| grounded answers in the latency run | ${grounded}/${total} | |`,
      '',
      '| stage (sequential requests) | p50 | p95 |',
      '|---|---|---|',
      ...Object.entries(breakdown).map(([stage, b]) => `| ${STAGE_LABELS[stage as ChatStage | 'http']} | ${b.p50Ms.toFixed(2)} ms | ${b.p95Ms.toFixed(2)} ms |`),
    ].join('\n'))
    return report
  } finally {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    keyring.close()
    await kms.close()
    await db.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}
