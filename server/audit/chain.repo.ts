import type { Tx } from '../db/tx.ts'
import type { AuditValue } from './event.ts'
import type { HashedEntry } from './hash.ts'

/** An entry as stored, read back for verification. */
export interface StoredEntry extends HashedEntry {
  prevHash: Buffer
  hash: Buffer
}

/** Every tenant with a chain or a checkpoint (a tenant whose rows were all deleted still has its checkpoints). */
export async function listChainTenants(tx: Tx): Promise<string[]> {
  const { rows } = await tx.query<{ tenant_id: string }>(
    'SELECT tenant_id FROM audit_log UNION SELECT tenant_id FROM audit_checkpoints ORDER BY tenant_id',
  )
  return rows.map((r) => r.tenant_id)
}

/**
 * One batch of a chain after `afterSeq`, by the primary key. The timestamp is read as text with microseconds
 * rather than through the driver's Date, so a sub-millisecond edit still changes what is hashed; `data` is read as
 * text and parsed here, independent of the driver's jsonb handling.
 */
export async function readEntries(tx: Tx, tenantId: string, afterSeq: number, limit: number): Promise<StoredEntry[]> {
  const { rows } = await tx.query<{
    seq: string; occurred_at: string; type: string; actor: string; outcome: string; data: string
    prev_hash: Buffer; hash: Buffer
  }>(
    `SELECT seq, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS occurred_at,
            type, actor, outcome, data::text AS data, prev_hash, hash
       FROM audit_log WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [tenantId, afterSeq, limit],
  )
  return rows.map((r) => ({
    tenantId,
    seq: Number(r.seq),
    occurredAt: `${r.occurred_at.replace(/(\.\d{3})000$/, '$1')}Z`,
    type: r.type,
    actor: r.actor,
    outcome: r.outcome,
    data: JSON.parse(r.data) as Record<string, AuditValue>,
    prevHash: r.prev_hash,
    hash: r.hash,
  }))
}

export async function countEntries(tx: Tx, tenantId: string): Promise<number> {
  const { rows } = await tx.query<{ n: string }>('SELECT count(*) AS n FROM audit_log WHERE tenant_id = $1', [tenantId])
  return Number(rows[0]!.n)
}

/** Lowest seq of a row whose own hash is `hash`. No index on hash: used once per broken chain, to diagnose. */
export async function findSeqByHash(tx: Tx, tenantId: string, hash: Buffer): Promise<number | null> {
  const { rows } = await tx.query<{ seq: string }>(
    'SELECT seq FROM audit_log WHERE tenant_id = $1 AND hash = $2 ORDER BY seq LIMIT 1',
    [tenantId, hash],
  )
  return rows[0] ? Number(rows[0].seq) : null
}

/** Lowest seq after `afterSeq` of a row that names `prevHash` as its predecessor. Diagnosis only, like above. */
export async function findSuccessorSeq(tx: Tx, tenantId: string, prevHash: Buffer, afterSeq: number): Promise<number | null> {
  const { rows } = await tx.query<{ seq: string }>(
    'SELECT seq FROM audit_log WHERE tenant_id = $1 AND prev_hash = $2 AND seq > $3 ORDER BY seq LIMIT 1',
    [tenantId, prevHash, afterSeq],
  )
  return rows[0] ? Number(rows[0].seq) : null
}
