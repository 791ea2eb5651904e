import type { Tx } from '../db/tx.ts'
import type { HashedEntry } from './hash.ts'

export interface ChainHead {
  seq: number
  hash: Buffer
}

export interface CheckpointRow extends ChainHead {
  tenantId: string
  signature: Buffer
  keyId: string
  /** When it was stored; set on rows read back, ignored on insert (the column defaults to now()). */
  createdAt?: Date
}

/**
 * Serializes appends to one tenant's chain until the caller's transaction ends, then reads the chain head, in one
 * round trip (migrations/0012: the head is read after the lock is held, with a fresh snapshot). Tenants whose ids
 * share a 32-bit hash merely wait for each other; the primary key (tenant_id, seq) still forbids a fork.
 */
export async function lockedHead(tx: Tx, tenantId: string): Promise<ChainHead | null> {
  const { rows } = await tx.query<{ seq: string; hash: Buffer }>('SELECT seq, hash FROM audit_chain_head($1)', [tenantId])
  return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : null
}

export async function lastEntry(tx: Tx, tenantId: string): Promise<ChainHead | null> {
  const { rows } = await tx.query<{ seq: string; hash: Buffer }>(
    'SELECT seq, hash FROM audit_log WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1',
    [tenantId],
  )
  return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : null
}

/** Inserts consecutive entries of one chain in one statement (one round trip under the chain lock). */
export async function insertEntries(tx: Tx, entries: ReadonlyArray<HashedEntry & { prevHash: Buffer; hash: Buffer }>): Promise<void> {
  const COLUMNS = 9
  const tuples = entries.map((_, i) => {
    const p = (n: number) => `$${i * COLUMNS + n}`
    return `(${p(1)}, ${p(2)}, ${p(3)}::timestamptz, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}::jsonb, ${p(8)}, ${p(9)})`
  })
  await tx.query(
    `INSERT INTO audit_log (tenant_id, seq, occurred_at, type, actor, outcome, data, prev_hash, hash) VALUES ${tuples.join(', ')}`,
    entries.flatMap((e) => [e.tenantId, e.seq, e.occurredAt, e.type, e.actor, e.outcome, JSON.stringify(e.data), e.prevHash, e.hash]),
  )
}

export async function lastCheckpoint(tx: Tx, tenantId: string): Promise<CheckpointRow | null> {
  const rows = await selectCheckpoints(tx, tenantId, 'ORDER BY seq DESC LIMIT 1', [])
  return rows[0] ?? null
}

/** Checkpoints of a tenant after `afterSeq`, oldest first. A few per day at most, so they are read at once. */
export function readCheckpoints(tx: Tx, tenantId: string, afterSeq = 0): Promise<CheckpointRow[]> {
  return selectCheckpoints(tx, tenantId, 'AND seq > $2 ORDER BY seq', [afterSeq])
}

/** A concurrent writer that checkpointed the same head first wins; both signed the same (seq, hash). */
export async function insertCheckpoint(tx: Tx, cp: CheckpointRow): Promise<void> {
  await tx.query(
    `INSERT INTO audit_checkpoints (tenant_id, seq, hash, signature, key_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (tenant_id, seq) DO NOTHING`,
    [cp.tenantId, cp.seq, cp.hash, cp.signature, cp.keyId],
  )
}

async function selectCheckpoints(tx: Tx, tenantId: string, tail: string, values: unknown[]) {
  const { rows } = await tx.query<{ seq: string; hash: Buffer; signature: Buffer; key_id: string; created_at: Date }>(
    `SELECT seq, hash, signature, key_id, created_at FROM audit_checkpoints WHERE tenant_id = $1 ${tail}`,
    [tenantId, ...values],
  )
  return rows.map((r) => ({
    tenantId, seq: Number(r.seq), hash: r.hash, signature: r.signature, keyId: r.key_id, createdAt: r.created_at,
  }))
}
