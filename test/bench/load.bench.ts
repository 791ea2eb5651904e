import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { DEV_API_AUDIENCE, devIdpIssuer } from '../../server/auth/dev-idp/constants.ts'
import { findDemoUser } from '../../server/auth/demo-users.ts'
import { mintDevAccessToken } from '../../server/auth/mint-dev-token.ts'

/**
 * `npm run bench -- load [--duration 60] [--connections 10] [--users alice,bob,carol,mallory,dave] [--chat-share 0.25]
 * [--sample <seconds>]`: the real server (`node --import tsx server/main.ts`, embedded PGlite in a fresh data
 * directory, or the PostgreSQL server when DATABASE_URL is set) with the demo corpus, under autocannon on loopback:
 * several demo users' bearer tokens (minted like `npm run token`) mixing GET /api/search and POST /api/chat (JSON,
 * offline extractive model) for a bounded time. Reports requests/s, latency p50/p99, errors, timeouts, non-2xx and
 * 5xx (all must be 0), error lines in the server log, and the server's RSS and heap (from its own /metrics
 * listener) before, sampled during and after the run, with a growth-trend verdict from the heap after a full GC at
 * 25, 50 and 75 % of the run and after it (load-gc-hook.ts, preloaded into the server by this bench only).
 *
 * The server runs with the per-user rate limits and chat limits raised far above the load (RATE_LIMIT_API_PER_MINUTE,
 * RATE_LIMIT_CHAT_PER_MINUTE, CHAT_MAX_CONCURRENT, CHAT_DAILY_TOKEN_BUDGET): a 429 here would measure the limiter,
 * not the server. Everything else is the default configuration, logging at info included (to a file).
 */
const ROOT = path.resolve(import.meta.dirname, '../..')

const QUESTIONS = [
  'How many holiday days do employees get?',
  'How do I submit an expense claim?',
  'What is the wifi password policy for visitors?',
  'What should the on-call engineer do first during an incident?',
  'What changed in release two?',
  'How does the budget process work?',
  'What are the steps of IT onboarding?',
  'How are vendor payments approved?',
]
const SEARCHES = ['holiday policy', 'expense claim receipts', 'visitor wifi', 'on-call escalation', 'release notes', 'budget approval', 'onboarding laptop', 'vendor payment']

interface MemorySample {
  /** Seconds since the load started (0: before it, beyond the duration: after). */
  t: number
  rssMb: number
  heapUsedMb: number
}

interface Trend {
  verdict: 'stable' | 'growing'
  /** Memory after a full GC at 25, 50 and 75 % of the run and after it, MB. */
  pointsMb: number[]
  /** Last point minus first: what the run added after its warm-up quarter. */
  growthMb: number
}

async function freePort(): Promise<number> {
  const probe = net.createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const port = (probe.address() as net.AddressInfo).port
  await new Promise((resolve) => probe.close(resolve))
  return port
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10

async function readMemory(metricsUrl: string): Promise<{ rssMb: number; heapUsedMb: number }> {
  const text = await (await fetch(metricsUrl)).text()
  const value = (name: string) => {
    const m = new RegExp(`^(?:strongroom_)?${name} (\\S+)$`, 'm').exec(text)
    if (!m) throw new Error(`metric ${name} missing from /metrics`)
    return Number(m[1])
  }
  return { rssMb: mb(value('process_resident_memory_bytes')), heapUsedMb: mb(value('nodejs_heap_size_used_bytes')) }
}

/**
 * Growth is judged on memory after a full GC (load-gc-hook.ts) at fixed points: the heap saw-tooths between
 * collections, and what a leak raises is the level it returns to. The first quarter of the run is warm-up (JIT,
 * caches, connection pools, the first checkpoint). "growing" needs every point to be above the previous one and the
 * total rise to exceed `minGrowthMb` and 10 %.
 */
function trend(points: number[], minGrowthMb: number): Trend {
  const growthMb = Math.round((points.at(-1)! - points[0]!) * 10) / 10
  const rising = points.every((p, i) => i === 0 || p > points[i - 1]!)
  return { verdict: rising && growthMb > minGrowthMb && growthMb > points[0]! * 0.1 ? 'growing' : 'stable', pointsMb: points, growthMb }
}

async function waitReady(origin: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the server exited with ${child.exitCode} during start-up:\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}`)
    }
    const ok = await fetch(`${origin}/readyz`).then((r) => r.status === 200, () => false)
    if (ok) return
    await sleep(500)
  }
  throw new Error(`the server was not ready within ${timeoutMs / 1000} s`)
}

async function stopServer(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  child.kill('SIGTERM')
  const code = await Promise.race([exited, sleep(15_000).then(() => 'timeout' as const)])
  if (code !== 'timeout') return code
  child.kill('SIGKILL')
  return exited
}

export async function run(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: 'string', default: '60' },
      connections: { type: 'string', default: '10' },
      users: { type: 'string', default: 'alice,bob,carol,mallory,dave' },
      'chat-share': { type: 'string', default: '0.25' },
      sample: { type: 'string' },
    },
  })
  const duration = Number(values.duration)
  const connections = Number(values.connections)
  const chatShare = Number(values['chat-share'])
  const users = values.users.split(',').map((u) => u.trim()).filter(Boolean)
  const sampleSeconds = values.sample === undefined ? Math.min(2, Math.max(0.5, duration / 30)) : Number(values.sample)
  if (!Number.isInteger(duration) || duration < 1 || duration > 3600) throw new Error('--duration must be 1..3600 seconds')
  if (!Number.isInteger(connections) || connections < 1 || connections > 200) throw new Error('--connections must be 1..200')
  if (!(chatShare >= 0 && chatShare <= 1)) throw new Error('--chat-share must be between 0 and 1')
  if (!(sampleSeconds >= 0.2)) throw new Error('--sample must be at least 0.2 seconds')
  for (const u of users) {
    if (!findDemoUser(u)?.roles.includes('employee')) throw new Error(`--users: ${u} is not a demo user with the employee role`)
  }

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-bench-load-'))
  const logFile = path.join(dataDir, 'server.log')
  const [port, metricsPort] = [await freePort(), await freePort()]
  const origin = `http://127.0.0.1:${port}`
  const limits = {
    RATE_LIMIT_API_PER_MINUTE: '1000000',
    RATE_LIMIT_CHAT_PER_MINUTE: '1000000',
    CHAT_MAX_CONCURRENT: String(connections),
    CHAT_DAILY_TOKEN_BUDGET: '2000000000',
  }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '',
    NODE_ENV: 'development', LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: origin,
    METRICS_PORT: String(metricsPort), DATA_DIR: dataDir, DEMO_SEED: 'true', ...limits,
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  }
  const engine = process.env.DATABASE_URL ? 'postgres (DATABASE_URL)' : 'pglite (embedded)'
  const log = (line: string) => process.stderr.write(`${line}\n`)
  const out = fs.openSync(logFile, 'a')
  log(`starting the server on ${origin} (${engine}, data in ${dataDir})`)
  const startedAt = Date.now()
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--import', './test/bench/load-gc-hook.ts', 'server/main.ts'], {
    cwd: ROOT, env, stdio: ['ignore', out, out],
  })
  fs.closeSync(out)
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`
  const samples: MemorySample[] = []
  let sampler: NodeJS.Timeout | undefined
  const gcTimers: NodeJS.Timeout[] = []
  const afterGc = async () => {
    child.kill('SIGUSR2')
    await sleep(500)
    return readMemory(metricsUrl)
  }
  try {
    await waitReady(origin, child, logFile, 300_000)
    const startupSeconds = (Date.now() - startedAt) / 1000
    log(`ready after ${startupSeconds.toFixed(1)} s; minting tokens for ${users.join(', ')}`)
    const tokens = Object.fromEntries(await Promise.all(users.map(async (u) => [u, await mintDevAccessToken({
      dataDir, issuer: devIdpIssuer(origin), audience: DEV_API_AUDIENCE, username: u, mfa: false, ttlSeconds: duration + 600,
    })] as const)))

    await sleep(2000)
    const before = await afterGc()
    samples.push({ t: 0, ...before })

    // A fixed request cycle, rotated per user so each user sends both kinds; autocannon walks it on every connection.
    const routeCounts: Record<string, Record<string, number>> = { search: {}, chat: {} }
    const count = (route: string) => (status: number) => {
      const byStatus = routeCounts[route]!
      byStatus[status] = (byStatus[status] ?? 0) + 1
    }
    const cycle = 40
    const requests = Array.from({ length: cycle }, (_, i) => {
      const user = users[i % users.length]!
      const auth = { authorization: `Bearer ${tokens[user]}` }
      if (Math.floor((i + 1) * chatShare) > Math.floor(i * chatShare)) {
        return {
          method: 'POST' as const, path: '/api/chat', onResponse: count('chat'),
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ message: QUESTIONS[i % QUESTIONS.length] }),
        }
      }
      return { method: 'GET' as const, path: `/api/search?q=${encodeURIComponent(SEARCHES[i % SEARCHES.length]!)}&k=8`, headers: auth, onResponse: count('search') }
    })
    const chatsInCycle = requests.filter((r) => r.method === 'POST').length

    const loadStart = Date.now()
    sampler = setInterval(() => {
      readMemory(metricsUrl).then((m) => samples.push({ t: (Date.now() - loadStart) / 1000, ...m }), () => undefined)
    }, sampleSeconds * 1000)
    const gcPoints: Array<Promise<{ rssMb: number; heapUsedMb: number }>> = []
    for (const share of [0.25, 0.5, 0.75]) {
      gcPoints.push(new Promise((resolve, reject) => {
        gcTimers.push(setTimeout(() => afterGc().then(resolve, reject), share * duration * 1000))
      }))
    }
    log(`load: ${connections} connections, ${users.length} users, ${chatsInCycle}/${cycle} chat requests, ${duration} s`)
    const result = await autocannon({ url: origin, connections, duration, requests, timeout: 30 })
    clearInterval(sampler)
    sampler = undefined

    await sleep(3000)
    const after = await afterGc()
    samples.push({ t: (Date.now() - loadStart) / 1000, ...after })
    const points = [...(await Promise.all(gcPoints)), after]

    const status5xx = Object.entries(result.statusCodeStats ?? {}).reduce((n, [code, s]) => n + (Number(code) >= 500 ? s.count ?? 0 : 0), 0)
    const logLines = fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean)
    const serverErrorLines = logLines.filter((l) => /"level":(50|60)/.test(l)).length
    const heap = trend(points.map((p) => p.heapUsedMb), 5)
    const rss = trend(points.map((p) => p.rssMb), 20)
    const verdict = heap.verdict === 'growing' || rss.verdict === 'growing' ? 'growing' : 'stable'
    const report = {
      engine, cpus: os.cpus().length, loadAverage: os.loadavg(), node: process.version, startupSeconds,
      durationSeconds: result.duration, connections, users, chatShare: chatsInCycle / cycle, rateLimitsRaisedTo: limits,
      requests: { total: result.requests.total, perSecond: result.requests.average, byRoute: routeCounts },
      latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: result.latency.mean },
      errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, status5xx,
      statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([c, s]) => [c, s.count ?? 0])),
      serverErrorLogLines: serverErrorLines,
      memory: { before, after, samples, heapTrend: heap, rssTrend: rss, verdict },
    }
    const pass = report.errors === 0 && report.timeouts === 0 && report.non2xx === 0 && status5xx === 0 && serverErrorLines === 0 &&
      verdict !== 'growing'
    const samplesMid = samples.filter((s) => s.t > 0 && s.t <= duration)
    const peak = (pick: (s: MemorySample) => number) => (samplesMid.length ? Math.max(...samplesMid.map(pick)) : NaN)
    console.log([
      `### Load: search + chat on the real server, ${engine}, ${report.cpus} CPUs, load average ${report.loadAverage[0]?.toFixed(1)}`,
      '',
      '| measure | value | requirement |',
      '|---|---|---|',
      `| duration, connections, users | ${result.duration} s, ${connections}, ${users.join(' ')} | |`,
      `| mix | ${Object.values(routeCounts.search!).reduce((a, b) => a + b, 0)} searches, ${Object.values(routeCounts.chat!).reduce((a, b) => a + b, 0)} chats | |`,
      `| requests/s (mean) | ${result.requests.average.toFixed(1)} | |`,
      `| latency p50 / p99 / max | ${result.latency.p50} / ${result.latency.p99} / ${result.latency.max} ms | |`,
      `| errors / timeouts | ${result.errors} / ${result.timeouts} | 0 |`,
      `| non-2xx / 5xx | ${result.non2xx} / ${status5xx} | 0 |`,
      `| error lines in the server log | ${serverErrorLines} | 0 |`,
      `| RSS before / peak during / after | ${before.rssMb} / ${peak((s) => s.rssMb)} / ${after.rssMb} MB | |`,
      `| heap used before / peak during / after | ${before.heapUsedMb} / ${peak((s) => s.heapUsedMb)} / ${after.heapUsedMb} MB | |`,
      `| heap after full GC: before, at 25/50/75 % of the run, after | ${before.heapUsedMb}; ${heap.pointsMb.join(' → ')} MB | no rising trend |`,
      `| RSS at the same points | ${before.rssMb}; ${rss.pointsMb.join(' → ')} MB | no rising trend |`,
      `| memory verdict | ${verdict} (heap ${heap.growthMb >= 0 ? '+' : ''}${heap.growthMb} MB, RSS ${rss.growthMb >= 0 ? '+' : ''}${rss.growthMb} MB after warm-up; ${samples.length} samples) | stable |`,
      `| result | ${pass ? 'PASS' : 'FAIL'} | |`,
    ].join('\n'))
    if (!pass) process.exitCode = 1
    return { ...report, pass }
  } finally {
    if (sampler) clearInterval(sampler)
    for (const timer of gcTimers) clearTimeout(timer)
    const code = await stopServer(child)
    if (code !== 0) log(`the server exited with ${code}; its log is in ${logFile}`)
    else fs.rmSync(dataDir, { recursive: true, force: true })
  }
}
