import type { Tx } from '../db/tx.ts'
import { notHeldSql } from './legal-holds.repo.ts'

export interface DeletedCounts {
  conversations: number
  messages: number
}

/**
 * Deletes up to `limit` conversations of one classification whose last message is older than `cutoff` and that no
 * legal hold covers; their messages cascade. Rows locked by a concurrent append are skipped (they are about to be
 * fresh); FOR UPDATE also re-checks the age of a row that changed since the statement began.
 */
export async function deleteDueBatch(tx: Tx, tenantId: string, level: number, cutoff: Date, limit: number): Promise<DeletedCounts> {
  return deleteWhere(tx, [tenantId, level, cutoff, limit],
    `c.classification = $2 AND c.last_message_at < $3 AND ${notHeldSql('c', '$1')}`, 'c.last_message_at, c.conversation_id', '$4')
}

/** Deletes up to `limit` conversations of a tenant whose keys were destroyed, held or not: nothing can read them. */
export async function deleteAnyBatch(tx: Tx, tenantId: string, limit: number): Promise<DeletedCounts> {
  // Any order will do, since every row goes: the primary key's order lets each batch read only its own rows, where
  // ordering by age would sort all of the tenant's remaining conversations again for every batch.
  return deleteWhere(tx, [tenantId, limit], 'true', 'c.conversation_id', '$2')
}

async function deleteWhere(tx: Tx, values: unknown[], predicate: string, order: string, limitParam: string): Promise<DeletedCounts> {
  const { rows } = await tx.query(
    `WITH due AS (
       SELECT c.conversation_id FROM conversations c WHERE c.tenant_id = $1 AND ${predicate}
        ORDER BY ${order} LIMIT ${limitParam} FOR UPDATE SKIP LOCKED),
     gone AS (
       DELETE FROM conversations c USING due WHERE c.tenant_id = $1 AND c.conversation_id = due.conversation_id
       RETURNING c.message_count)
     SELECT count(*)::int AS conversations, coalesce(sum(message_count), 0)::int AS messages FROM gone`,
    values,
  )
  return { conversations: rows[0].conversations, messages: rows[0].messages }
}

/** How many conversations of one classification are past the cut-off, split into deletable and held. */
export async function countDue(tx: Tx, tenantId: string, level: number, cutoff: Date) {
  const { rows } = await tx.query(
    `SELECT count(*) FILTER (WHERE ${notHeldSql('c', '$1')})::int AS due,
            coalesce(sum(c.message_count) FILTER (WHERE ${notHeldSql('c', '$1')}), 0)::int AS messages,
            count(*) FILTER (WHERE NOT ${notHeldSql('c', '$1')})::int AS held
       FROM conversations c WHERE c.tenant_id = $1 AND c.classification = $2 AND c.last_message_at < $3`,
    [tenantId, level, cutoff],
  )
  return { due: rows[0].due as number, messages: rows[0].messages as number, held: rows[0].held as number }
}

export async function countAll(tx: Tx, tenantId: string): Promise<DeletedCounts> {
  const { rows } = await tx.query(
    `SELECT count(*)::int AS conversations, coalesce(sum(message_count), 0)::int AS messages
       FROM conversations WHERE tenant_id = $1`,
    [tenantId],
  )
  return { conversations: rows[0].conversations, messages: rows[0].messages }
}
