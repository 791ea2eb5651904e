import type { Tx } from '../db/tx.ts'

/**
 * Declared length of chunks.embedding (`vector(N)` keeps N in atttypmod), or null when the column has no fixed
 * length. Reads the catalog only, so any role can run it.
 */
export async function embeddingColumnDimensions(tx: Tx): Promise<number | null> {
  const { rows } = await tx.query<{ typmod: number }>(
    `SELECT atttypmod AS typmod FROM pg_attribute
     WHERE attrelid = 'public.chunks'::regclass AND attname = 'embedding' AND NOT attisdropped`,
  )
  const typmod = rows[0]?.typmod
  return typmod === undefined || typmod < 1 ? null : typmod
}

/** Every tenant id; run as the worker role, whose policy lists all tenants (migrations/0002). */
export async function listTenantIds(tx: Tx): Promise<string[]> {
  const { rows } = await tx.query<{ tenant_id: string }>(`SELECT tenant_id FROM tenants ORDER BY tenant_id`)
  return rows.map((r) => r.tenant_id)
}

/**
 * One embedding model id of the transaction's tenant that differs from `model`, or null. Written as two range
 * conditions instead of `<>` so that an index on embedding_model, if one is added, can answer it without a scan.
 */
export async function otherEmbeddingModel(tx: Tx, tenantId: string, model: string): Promise<string | null> {
  const { rows } = await tx.query<{ embedding_model: string }>(
    `SELECT embedding_model FROM chunks
     WHERE tenant_id = $1 AND (embedding_model < $2 OR embedding_model > $2) LIMIT 1`,
    [tenantId, model],
  )
  return rows[0]?.embedding_model ?? null
}
