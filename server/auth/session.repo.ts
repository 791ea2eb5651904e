import type { Tx } from '../db/tx.ts'

export interface SessionRow {
  userId: string
  principal: unknown
  createdAt: Date
  lastSeenAt: Date
  expiresAt: Date
}

export async function insertSession(
  tx: Tx,
  tenantId: string,
  s: { sessionHash: Buffer; userId: string; principal: unknown; expiresAt: Date },
): Promise<void> {
  await tx.query(
    `INSERT INTO sessions (tenant_id, session_hash, user_id, principal, expires_at) VALUES ($1, $2, $3, $4, $5)`,
    [tenantId, s.sessionHash, s.userId, JSON.stringify(s.principal), s.expiresAt],
  )
}

export async function findSession(tx: Tx, tenantId: string, sessionHash: Buffer): Promise<SessionRow | undefined> {
  const { rows } = await tx.query(
    `SELECT user_id, principal, created_at, last_seen_at, expires_at
       FROM sessions WHERE tenant_id = $1 AND session_hash = $2`,
    [tenantId, sessionHash],
  )
  const r = rows[0]
  if (!r) return undefined
  return {
    userId: r.user_id,
    principal: r.principal,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
  }
}

export async function touchSession(tx: Tx, tenantId: string, sessionHash: Buffer, now: Date): Promise<void> {
  await tx.query(`UPDATE sessions SET last_seen_at = $3 WHERE tenant_id = $1 AND session_hash = $2`, [
    tenantId,
    sessionHash,
    now,
  ])
}

export async function deleteSession(tx: Tx, tenantId: string, sessionHash: Buffer): Promise<void> {
  await tx.query(`DELETE FROM sessions WHERE tenant_id = $1 AND session_hash = $2`, [tenantId, sessionHash])
}

export async function deleteUserSessions(tx: Tx, tenantId: string, userId: string): Promise<number> {
  const { rowCount } = await tx.query(`DELETE FROM sessions WHERE tenant_id = $1 AND user_id = $2`, [tenantId, userId])
  return rowCount ?? 0
}

/** Tenant rows are created on first use (login or ingest); the id comes from a validated token or an admin. */
export async function ensureTenant(tx: Tx, tenantId: string): Promise<void> {
  await tx.query(`INSERT INTO tenants (tenant_id, name) VALUES ($1, $1) ON CONFLICT (tenant_id) DO NOTHING`, [tenantId])
}
