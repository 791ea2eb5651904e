import type { WrappedTenantKey } from '../crypto/tenant-key.ts'
import type { Tx } from '../db/tx.ts'

export type KeyState = 'active' | 'retired' | 'destroyed'

/** A tenant_keys row without its key material, for status reports. */
export interface KeyVersionRow {
  version: number
  state: KeyState
  rootKeyId: string
  createdAt: Date
  retiredAt: Date | null
  destroyedAt: Date | null
}

/** Advisory-lock class for a tenant's key set (two-int form, apart from the audit chain's and documents'). "KEYS". */
const KEYS_LOCK_CLASS = 0x4b455953

/**
 * Serializes key-set changes against ciphertext writers until the transaction ends. Writers hold it shared while they
 * read the active version and store data under it; rotation and shredding hold it exclusively. So no message can be
 * written under a version that a committed rotation already retired (rewrap would miss it), nor after a shred.
 * Callers take it before any row lock, which keeps the lock order the same everywhere.
 */
export async function lockTenantKeys(tx: Tx, tenantId: string, mode: 'shared' | 'exclusive'): Promise<void> {
  const fn = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock'
  await tx.query(`SELECT ${fn}($1::int, hashtext($2))`, [KEYS_LOCK_CLASS, tenantId])
}

const toWrapped = (tenantId: string, r: { version: number; root_key_id: string; wrapped_key: Buffer }): WrappedTenantKey => ({
  tenantId, version: r.version, rootKeyId: r.root_key_id, wrappedKey: r.wrapped_key,
})

export async function findActiveKey(tx: Tx, tenantId: string): Promise<WrappedTenantKey | null> {
  const { rows } = await tx.query(
    `SELECT version, root_key_id, wrapped_key FROM tenant_keys WHERE tenant_id = $1 AND state = 'active'`,
    [tenantId],
  )
  return rows[0] ? toWrapped(tenantId, rows[0]) : null
}

/** The version's state and, unless destroyed, its wrapped key; null when the version never existed. */
export async function findKeyVersion(
  tx: Tx,
  tenantId: string,
  version: number,
): Promise<{ state: KeyState; wrapped: WrappedTenantKey | null } | null> {
  const { rows } = await tx.query(
    `SELECT version, state, root_key_id, wrapped_key FROM tenant_keys WHERE tenant_id = $1 AND version = $2`,
    [tenantId, version],
  )
  const r = rows[0]
  if (!r) return null
  return { state: r.state, wrapped: r.wrapped_key ? toWrapped(tenantId, r) : null }
}

export async function listKeyVersions(tx: Tx, tenantId: string): Promise<KeyVersionRow[]> {
  const { rows } = await tx.query(
    `SELECT version, state, root_key_id, created_at, retired_at, destroyed_at
       FROM tenant_keys WHERE tenant_id = $1 ORDER BY version`,
    [tenantId],
  )
  return rows.map((r) => ({
    version: r.version, state: r.state, rootKeyId: r.root_key_id,
    createdAt: r.created_at, retiredAt: r.retired_at, destroyedAt: r.destroyed_at,
  }))
}

export async function nextKeyVersion(tx: Tx, tenantId: string): Promise<number> {
  const { rows } = await tx.query(
    `SELECT coalesce(max(version), 0) + 1 AS next FROM tenant_keys WHERE tenant_id = $1`,
    [tenantId],
  )
  return rows[0].next
}

/** True once the tenant's keys were shredded (every version is destroyed together, see destroyAllKeys). */
export async function keysDestroyed(tx: Tx, tenantId: string): Promise<boolean> {
  const { rows } = await tx.query(
    `SELECT EXISTS (SELECT 1 FROM tenant_keys WHERE tenant_id = $1 AND state = 'destroyed') AS destroyed`,
    [tenantId],
  )
  return rows[0].destroyed
}

/**
 * Inserts a new active version. Returns false, inserting nothing, when the tenant already has an active key or the
 * version exists (a concurrent first use or rotation won); the caller re-reads the winner.
 */
export async function insertActiveKey(tx: Tx, wrapped: WrappedTenantKey): Promise<boolean> {
  const { rowCount } = await tx.query(
    `INSERT INTO tenant_keys (tenant_id, version, wrapped_key, root_key_id, state)
     VALUES ($1, $2, $3, $4, 'active') ON CONFLICT DO NOTHING`,
    [wrapped.tenantId, wrapped.version, wrapped.wrappedKey, wrapped.rootKeyId],
  )
  return rowCount === 1
}

export async function retireActiveKey(tx: Tx, tenantId: string, now: Date): Promise<number | null> {
  const { rows } = await tx.query(
    `UPDATE tenant_keys SET state = 'retired', retired_at = $2 WHERE tenant_id = $1 AND state = 'active' RETURNING version`,
    [tenantId, now],
  )
  return rows[0]?.version ?? null
}

/** Crypto-shredding: every version loses its wrapped key in one statement. Returns the versions destroyed now. */
export async function destroyAllKeys(tx: Tx, tenantId: string, now: Date): Promise<number[]> {
  const { rows } = await tx.query(
    `UPDATE tenant_keys SET wrapped_key = NULL, state = 'destroyed', destroyed_at = $2
      WHERE tenant_id = $1 AND state <> 'destroyed' RETURNING version`,
    [tenantId, now],
  )
  return rows.map((r) => r.version as number).sort((a, b) => a - b)
}

/** Every tenant id, for tenant-wide jobs (the worker role's tenants policy lets it list them). */
export async function listTenantIds(tx: Tx): Promise<string[]> {
  const { rows } = await tx.query(`SELECT tenant_id FROM tenants ORDER BY tenant_id`)
  return rows.map((r) => r.tenant_id as string)
}

export async function tenantExists(tx: Tx, tenantId: string): Promise<boolean> {
  const { rows } = await tx.query(`SELECT 1 FROM tenants WHERE tenant_id = $1`, [tenantId])
  return rows.length > 0
}

/** Marks a tenant that never had a key as shredded, so that no key can be created for it afterwards. */
export async function insertDestroyedMarker(tx: Tx, tenantId: string, rootKeyId: string, now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO tenant_keys (tenant_id, version, wrapped_key, root_key_id, state, destroyed_at)
     VALUES ($1, 1, NULL, $2, 'destroyed', $3) ON CONFLICT DO NOTHING`,
    [tenantId, rootKeyId, now],
  )
}

/** Messages and conversations per key version: what a rotation still has to re-wrap. */
export async function countByKeyVersion(tx: Tx, tenantId: string): Promise<Map<number, { messages: number; conversations: number }>> {
  const { rows } = await tx.query(
    `SELECT key_version, sum(messages)::int AS messages, sum(conversations)::int AS conversations FROM (
       SELECT key_version, count(*) AS messages, 0 AS conversations FROM messages WHERE tenant_id = $1 GROUP BY key_version
       UNION ALL
       SELECT key_version, 0, count(*) FROM conversations WHERE tenant_id = $1 GROUP BY key_version) t
     GROUP BY key_version`,
    [tenantId],
  )
  return new Map(rows.map((r) => [r.key_version as number, { messages: r.messages, conversations: r.conversations }]))
}
