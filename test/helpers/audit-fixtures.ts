import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { recordAudit } from '../../server/audit/audit.service.ts'
import type { CheckpointSigner, CheckpointVerifier } from '../../server/audit/checkpoint.ts'
import type { Database } from '../../server/db/pool.ts'
import { withOwner, withTenant, type Tx } from '../../server/db/tx.ts'

/** An HMAC-SHA256 checkpoint key held in memory, shaped like the KMS provider's sign/verify. */
export function hmacKey(keyId = `test:${randomBytes(4).toString('hex')}`): CheckpointSigner & CheckpointVerifier {
  const key = randomBytes(32)
  const mac = (data: Buffer) => createHmac('sha256', key).update(data).digest()
  return {
    keyId,
    async sign(data) {
      return mac(data)
    },
    async verify(data, signature) {
      const expected = mac(data)
      return signature.length === expected.length && timingSafeEqual(signature, expected)
    },
  }
}

export const T0 = Date.UTC(2025, 0, 1, 9, 0, 0, 123)

/** Appends `n` events to a tenant's chain, one second apart from `T0` plus `offset` seconds. */
export async function appendEvents(db: Database, tenantId: string, n: number, offset = 0): Promise<void> {
  for (let i = 0; i < n; i++) {
    await recordAudit(
      db,
      tenantId,
      { type: 'document.ingest', actor: 'alice', outcome: 'success', data: { documentId: `doc-${offset + i}`, chunks: i } },
      new Date(T0 + (offset + i) * 1000),
    )
  }
}

/**
 * Runs SQL as an attacker holding the break-glass role: the only one the audit trigger lets UPDATE or DELETE.
 * The owner is a superuser in tests, so it can assume the role.
 */
export function asMaintenance<T>(db: Database, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withOwner(db, async (tx) => {
    await tx.query('SET LOCAL ROLE strongroom_maintenance')
    await tx.query(`SELECT set_config('strongroom.tenant_id', $1, true)`, [tenantId])
    return fn(tx)
  })
}

/** Raw rows of a chain as the tenant's application role sees them. */
export async function chainRows(db: Database, tenantId: string) {
  return withTenant(db, tenantId, 'app', async (tx) => {
    const { rows } = await tx.query<{
      seq: string; occurred_at: Date; type: string; actor: string; outcome: string; data: unknown
      prev_hash: Buffer; hash: Buffer
    }>('SELECT seq, occurred_at, type, actor, outcome, data, prev_hash, hash FROM audit_log WHERE tenant_id = $1 ORDER BY seq', [tenantId])
    return rows.map((r) => ({ ...r, seq: Number(r.seq) }))
  })
}
