import { createHash, timingSafeEqual } from 'node:crypto'
import { Secret, TOTP } from 'otpauth'
import { findDemoUser, type DemoUser } from '../demo-users.ts'

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest()
}

// Compared against when the username is unknown, so both outcomes cost one comparison of equal-length digests.
const DUMMY = digest('dev-idp-no-such-user')

/**
 * Password step. Returns the user only when both username and password match; the caller shows one generic error
 * for every failure so the page does not reveal which of the two was wrong.
 */
export function verifyPassword(username: string, password: string): DemoUser | undefined {
  const user = findDemoUser(username)
  const ok = timingSafeEqual(digest(password), user === undefined ? DUMMY : digest(user.password))
  return ok && user !== undefined ? user : undefined
}

export function totpFor(user: DemoUser): TOTP {
  return new TOTP({ secret: Secret.fromBase32(user.totpSeed), algorithm: 'SHA1', digits: 6, period: 30 })
}

/**
 * TOTP step, RFC 6238 with a window of one period either side for clock drift. A code is accepted once: the last
 * accepted time step per user is remembered (per process, which is enough for the single-process dev IdP), so a
 * shoulder-surfed or replayed code cannot be used again within its validity window.
 */
export function createTotpVerifier(): (user: DemoUser, code: string, nowMs?: number) => boolean {
  const lastAcceptedStep = new Map<string, number>()
  return (user, code, nowMs = Date.now()) => {
    if (!/^\d{6}$/.test(code)) return false
    const totp = totpFor(user)
    const delta = totp.validate({ token: code, timestamp: nowMs, window: 1 })
    if (delta === null) return false
    const step = totp.counter({ timestamp: nowMs }) + delta
    if (step <= (lastAcceptedStep.get(user.username) ?? -1)) return false
    lastAcceptedStep.set(user.username, step)
    return true
  }
}
