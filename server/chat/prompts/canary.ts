import { createHmac, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

const PREFIX = 'sr-canary-'
const DIGITS = 20

/**
 * Any canary, this deployment's or another's, in any casing and with up to three separators between its parts:
 * the output guard withholds an answer containing one even if it is not the requester's own (a compromised model
 * or a shared cache replaying another user's system prompt).
 */
export const CANARY_PATTERN = /sr[\W_]{0,3}canary[\W_]{0,3}(?:[0-9a-f][\W_]{0,2}){8,}/i

/**
 * The deployment's canary secret. Production sets PROMPT_CANARY (config refuses to start without it); development
 * and tests generate one into DATA_DIR with mode 0600, like the session secret.
 */
export function loadCanarySecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured
  const file = path.join(dataDir, 'prompt-canary.key')
  try {
    fs.writeFileSync(file, randomBytes(24).toString('base64url'), { mode: 0o600, flag: 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  if ((fs.statSync(file).mode & 0o077) !== 0) throw new Error(`${file} must not be readable by group or others (chmod 600)`)
  return fs.readFileSync(file, 'utf8').trim()
}

/**
 * The canary planted in one user's system prompt: derived from the deployment secret by HMAC, so it is stable per
 * user, differs between users and tenants, and reveals nothing about the secret or about other users' canaries.
 */
export function canaryFor(secret: string, tenantId: string, userId: string): string {
  const mac = createHmac('sha256', secret).update(`${tenantId}\u0000${userId}`).digest('hex')
  return PREFIX + mac.slice(0, DIGITS)
}
