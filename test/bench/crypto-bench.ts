// Cost of transcript encryption: raw AES-256-GCM as the floor, then the envelope format (AWS Encryption SDK message,
// fresh data key per message) with the tenant key already cached, as the chat service uses it.
// Run: node --import tsx test/bench/crypto-bench.ts [seconds-per-case]
import { createCipheriv, randomBytes } from 'node:crypto'
import { loadavg } from 'node:os'
import { decrypt, encrypt, type EnvelopeContext } from '../../server/crypto/envelope.ts'
import { TenantKeyCache } from '../../server/crypto/key-cache.ts'

const seconds = Number(process.argv[2] ?? 2)
const MESSAGE = randomBytes(1024)
const key = randomBytes(32)

interface Result { opsPerSec: number; usPerOp: number; cpuUsPerOp: number }

/**
 * Runs `op` back to back for the time budget after a warm-up. Reports wall-clock rate and also CPU time per
 * operation, which stays meaningful when other processes share the cores.
 */
async function measure(op: () => unknown): Promise<Result> {
  for (let i = 0; i < 300; i++) await op()
  let count = 0
  const cpu = process.cpuUsage()
  const start = performance.now()
  const deadline = start + seconds * 1000
  while (performance.now() < deadline) {
    for (let i = 0; i < 50; i++) await op()
    count += 50
  }
  const elapsedMs = performance.now() - start
  const used = process.cpuUsage(cpu)
  return { opsPerSec: (count * 1000) / elapsedMs, usPerOp: (elapsedMs * 1000) / count, cpuUsPerOp: (used.user + used.system) / count }
}

function gcmSeal(plaintext: Buffer): Buffer {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  return Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
}

const rows: string[][] = []
const report = (name: string, r: Result, mibPerSec = '') =>
  rows.push([name, r.opsPerSec.toFixed(0), r.usPerOp.toFixed(1), r.cpuUsPerOp.toFixed(1), mibPerSec])

const bulk = randomBytes(1024 * 1024)
const bulkRun = await measure(() => gcmSeal(bulk))
report('node:crypto AES-256-GCM, 1 MiB', bulkRun, bulkRun.opsPerSec.toFixed(0))
const rawSmall = await measure(() => gcmSeal(MESSAGE))
report('node:crypto AES-256-GCM, 1 KiB', rawSmall, ((rawSmall.opsPerSec * 1024) / 2 ** 20).toFixed(1))

const cache = new TenantKeyCache()
const tenantKey = { tenantId: 'acme', version: 1, key: await cache.get('acme', 1, async () => Buffer.from(key)) }
const resolveKey = (tenantId: string, version: number) => cache.get(tenantId, version, async () => Buffer.from(key))
const context: EnvelopeContext = { tenantId: 'acme', conversationId: 'c-1', messageId: 'm-1', purpose: 'message' }
const sealed = await encrypt(tenantKey, context, MESSAGE)
report('envelope encrypt, 1 KiB', await measure(() => encrypt(tenantKey, context, MESSAGE)))
report('envelope decrypt, 1 KiB', await measure(() => decrypt(resolveKey, context, sealed)))
cache.clear()

const load = loadavg()[0]!.toFixed(1)
console.log(`Node ${process.version}, ${seconds}s per case, load average ${load}; 1 KiB envelope = ${sealed.length} bytes`)
const widths = [34, 9, 10, 10, 7]
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ')
console.log(line(['case', 'ops/s', 'wall us', 'cpu us', 'MiB/s']))
for (const row of rows) console.log(line(row))
