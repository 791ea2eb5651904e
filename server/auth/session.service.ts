import { createHash, createHmac, randomBytes } from 'node:crypto'
import type { Database } from '../db/pool.ts'
import { withTenant } from '../db/tx.ts'
import type { Principal } from './principal.ts'
import { deleteSession, ensureTenant, findSession, insertSession, touchSession } from './session.repo.ts'

export interface SessionSettings {
  idleMinutes: number
  absoluteHours: number
  /** Key from which CSRF tokens are derived (session-secret.ts). */
  secret: Buffer
}

export interface ActiveSession {
  principal: Principal
  /** Synchronizer token the web app echoes in X-CSRF-Token on state-changing requests. */
  csrfToken: string
}

const TOUCH_INTERVAL_MS = 60_000

/**
 * Creates a session for a freshly authenticated principal. The cookie value is `<tenant>.<secret>`: the tenant lets
 * the lookup run under row-level security; only SHA-256(secret) is stored. A new random secret at every login is
 * what prevents session fixation: no identifier chosen before login survives it.
 */
export async function createSession(db: Database, principal: Principal, s: SessionSettings, now = new Date()) {
  const secret = randomBytes(32).toString('base64url')
  const expiresAt = new Date(now.getTime() + s.absoluteHours * 3_600_000)
  await withTenant(db, principal.tenantId, 'app', async (tx) => {
    await ensureTenant(tx, principal.tenantId)
    await insertSession(tx, principal.tenantId, { sessionHash: hash(secret), userId: principal.userId, principal, expiresAt })
  })
  return { cookieValue: `${principal.tenantId}.${secret}`, expiresAt, csrfToken: csrfFor(s.secret, secret) }
}

/** Resolves a cookie to a live session, ending it on idle or absolute timeout. */
export async function resolveSession(
  db: Database,
  cookieValue: string,
  s: SessionSettings,
  now = new Date(),
): Promise<ActiveSession | { expired: true } | undefined> {
  const parsed = parseCookie(cookieValue)
  if (!parsed) return undefined
  return withTenant(db, parsed.tenantId, 'app', async (tx) => {
    const row = await findSession(tx, parsed.tenantId, hash(parsed.secret))
    if (!row) return undefined
    const idleDeadline = row.lastSeenAt.getTime() + s.idleMinutes * 60_000
    if (row.expiresAt <= now || idleDeadline <= now.getTime()) {
      await deleteSession(tx, parsed.tenantId, hash(parsed.secret))
      return { expired: true as const }
    }
    if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
      await touchSession(tx, parsed.tenantId, hash(parsed.secret), now)
    }
    return { principal: row.principal as Principal, csrfToken: csrfFor(s.secret, parsed.secret) }
  })
}

export async function endSession(db: Database, cookieValue: string): Promise<void> {
  const parsed = parseCookie(cookieValue)
  if (!parsed) return
  await withTenant(db, parsed.tenantId, 'app', (tx) => deleteSession(tx, parsed.tenantId, hash(parsed.secret)))
}

function parseCookie(value: string): { tenantId: string; secret: string } | undefined {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]{0,63})\.([A-Za-z0-9_-]{43})$/.exec(value)
  return m ? { tenantId: m[1] as string, secret: m[2] as string } : undefined
}

function hash(secret: string): Buffer {
  return createHash('sha256').update(secret).digest()
}

function csrfFor(key: Buffer, sessionSecret: string): string {
  return createHmac('sha256', key).update(`csrf.${sessionSecret}`).digest('base64url')
}
