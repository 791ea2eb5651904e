import type { Tx } from '../db/tx.ts'

export interface LegalHoldRow {
  holdId: string
  scope: 'conversation' | 'user'
  targetId: string
  caseRef: string
  createdBy: string
  createdAt: Date
  releasedBy: string | null
  releasedAt: Date | null
}

/**
 * SQL predicate: no active legal hold covers the conversations row aliased `alias`, neither by its id nor by its
 * owner. Purge, data-subject erasure and conversation deletion all use this one definition of "held".
 */
export function notHeldSql(alias: string, tenantParam: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(alias) || !/^\$\d+$/.test(tenantParam)) throw new Error('invalid SQL fragment')
  return `NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.tenant_id = ${tenantParam} AND h.released_at IS NULL
    AND ((h.scope = 'conversation' AND h.target_id = ${alias}.conversation_id::text)
      OR (h.scope = 'user' AND h.target_id = ${alias}.user_id)))`
}

/** Advisory-lock class for a tenant's legal holds (two-int form). "HOLD". */
const HOLDS_LOCK_CLASS = 0x484f4c44

/**
 * Placing a hold takes this lock exclusively; every deletion that honours holds (purge batch, erasure, conversation
 * delete) takes it shared before it reads the holds. A hold that is confirmed to its placer is therefore seen by
 * every deletion that starts afterwards, and no deletion decided on an older view of the holds is still running.
 */
export async function lockHolds(tx: Tx, tenantId: string, mode: 'shared' | 'exclusive'): Promise<void> {
  const fn = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock'
  await tx.query(`SELECT ${fn}($1::int, hashtext($2))`, [HOLDS_LOCK_CLASS, tenantId])
}

const COLUMNS = 'hold_id, scope, target_id, case_ref, created_by, created_at, released_by, released_at'

function toRow(r: Record<string, unknown>): LegalHoldRow {
  return {
    holdId: r.hold_id as string, scope: r.scope as LegalHoldRow['scope'], targetId: r.target_id as string,
    caseRef: r.case_ref as string, createdBy: r.created_by as string, createdAt: r.created_at as Date,
    releasedBy: r.released_by as string | null, releasedAt: r.released_at as Date | null,
  }
}

export async function listHolds(tx: Tx, tenantId: string, opts: { includeReleased: boolean }): Promise<LegalHoldRow[]> {
  const { rows } = await tx.query(
    `SELECT ${COLUMNS} FROM legal_holds WHERE tenant_id = $1 AND ($2 OR released_at IS NULL)
      ORDER BY created_at DESC, hold_id LIMIT 1000`,
    [tenantId, opts.includeReleased],
  )
  return rows.map(toRow)
}

export async function insertHold(
  tx: Tx,
  tenantId: string,
  h: { scope: LegalHoldRow['scope']; targetId: string; caseRef: string; createdBy: string },
): Promise<LegalHoldRow> {
  const { rows } = await tx.query(
    `INSERT INTO legal_holds (tenant_id, scope, target_id, case_ref, created_by) VALUES ($1, $2, $3, $4, $5)
     RETURNING ${COLUMNS}`,
    [tenantId, h.scope, h.targetId, h.caseRef, h.createdBy],
  )
  return toRow(rows[0])
}

/** Releases an active hold; null when no such hold exists or it was already released. */
export async function releaseHold(tx: Tx, tenantId: string, holdId: string, releasedBy: string): Promise<LegalHoldRow | null> {
  const { rows } = await tx.query(
    `UPDATE legal_holds SET released_by = $3, released_at = now()
      WHERE tenant_id = $1 AND hold_id = $2 AND released_at IS NULL RETURNING ${COLUMNS}`,
    [tenantId, holdId, releasedBy],
  )
  return rows[0] ? toRow(rows[0]) : null
}

export async function holdExists(tx: Tx, tenantId: string, holdId: string): Promise<boolean> {
  const { rows } = await tx.query(`SELECT 1 FROM legal_holds WHERE tenant_id = $1 AND hold_id = $2`, [tenantId, holdId])
  return rows.length > 0
}

export async function countActiveHolds(tx: Tx, tenantId: string): Promise<number> {
  const { rows } = await tx.query(
    `SELECT count(*)::int AS n FROM legal_holds WHERE tenant_id = $1 AND released_at IS NULL`,
    [tenantId],
  )
  return rows[0].n
}
