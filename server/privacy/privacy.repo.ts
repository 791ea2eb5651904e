import type { Tx } from '../db/tx.ts'

/** Removes the caller's profile row (attributes and settings); true if there was one. */
export async function deleteUserRow(tx: Tx, tenantId: string, userId: string): Promise<boolean> {
  const { rowCount } = await tx.query(`DELETE FROM users WHERE tenant_id = $1 AND user_id = $2`, [tenantId, userId])
  return (rowCount ?? 0) > 0
}
