import type { Tx } from '../db/tx.ts'

export interface RetentionRuleRow {
  /** Classification level 0..3. */
  level: number
  retainDays: number
  updatedBy: string
  updatedAt: Date
}

export async function listRules(tx: Tx, tenantId: string): Promise<RetentionRuleRow[]> {
  const { rows } = await tx.query(
    `SELECT classification, retain_days, updated_by, updated_at FROM retention_rules WHERE tenant_id = $1
      ORDER BY classification`,
    [tenantId],
  )
  return rows.map((r) => ({ level: r.classification, retainDays: r.retain_days, updatedBy: r.updated_by, updatedAt: r.updated_at }))
}

export async function upsertRule(tx: Tx, tenantId: string, rule: { level: number; retainDays: number; updatedBy: string }) {
  await tx.query(
    `INSERT INTO retention_rules (tenant_id, classification, retain_days, updated_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, classification)
     DO UPDATE SET retain_days = EXCLUDED.retain_days, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [tenantId, rule.level, rule.retainDays, rule.updatedBy],
  )
}
