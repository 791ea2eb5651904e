import type { Tx } from '../db/tx.ts'

/** The tenant's `settings.egress.<provider>` value as stored (unvalidated), or null when absent. */
export async function tenantEgressSetting(tx: Tx, tenantId: string, provider: string): Promise<string | null> {
  const { rows } = await tx.query<{ level: unknown }>(
    `SELECT settings->'egress'->($2::text) AS level FROM tenants WHERE tenant_id = $1`,
    [tenantId, provider],
  )
  const level = rows[0]?.level
  if (level === undefined || level === null) return null
  return typeof level === 'string' ? level : JSON.stringify(level)
}
