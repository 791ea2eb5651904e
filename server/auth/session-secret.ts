import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/**
 * The key that signs login-state cookies and derives CSRF tokens. Production sets SESSION_SECRET (config refuses
 * to start without it); development generates one into DATA_DIR with mode 0600 so restarts keep logins working.
 */
export function loadSessionSecret(configured: string | undefined, dataDir: string): Buffer {
  if (configured) return Buffer.from(configured, 'utf8')
  const file = path.join(dataDir, 'session.key')
  try {
    fs.writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  if ((fs.statSync(file).mode & 0o077) !== 0) throw new Error(`${file} must not be readable by group or others (chmod 600)`)
  return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'utf8')
}
