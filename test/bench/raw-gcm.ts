import { createCipheriv, randomBytes } from 'node:crypto'

/**
 * The floor the envelope format is compared with: plain node:crypto AES-256-GCM (fresh 12-byte IV, tag appended) on
 * one thread, no key derivation, no header, no database. Runs `values` in turn for `seconds` after a short warm-up.
 */
export function rawGcm(values: Buffer[], seconds: number) {
  const key = randomBytes(32)
  const seal = (plaintext: Buffer) => {
    const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12))
    return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
  }
  const setBytes = values.reduce((n, v) => n + v.length, 0)
  for (let i = 0; i < 200; i++) for (const v of values) seal(v)
  let sets = 0
  const cpu = process.cpuUsage()
  const started = performance.now()
  const deadline = started + seconds * 1000
  while (performance.now() < deadline) {
    for (let i = 0; i < 20; i++) for (const v of values) seal(v)
    sets += 20
  }
  const elapsed = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  return {
    setsPerSecond: sets / elapsed,
    sealsPerSecond: (sets * values.length) / elapsed,
    megabytesPerSecond: (sets * setBytes) / elapsed / 1e6,
    cpuMicrosPerSet: (used.user + used.system) / sets,
  }
}
