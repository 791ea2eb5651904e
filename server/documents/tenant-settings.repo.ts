import type { Tx } from '../db/tx.ts'

/** The tenant's `settings.scanPolicy` override, or null when the tenant row or the key is absent. */
export async function tenantScanPolicy(tx: Tx, tenantId: string): Promise<string | null> {
  const { rows } = await tx.query<{ policy: string | null }>(
    `SELECT settings->>'scanPolicy' AS policy FROM tenants WHERE tenant_id = $1`,
    [tenantId],
  )
  return rows[0]?.policy ?? null
}
