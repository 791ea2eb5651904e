import type { Tx } from '../db/tx.ts'

export interface StaleMessage {
  messageId: string
  conversationId: string
  bodyCt: Buffer
  citationsCt: Buffer | null
}

/** Locks up to `limit` messages still encrypted under a version other than `current`. */
export async function lockStaleMessages(tx: Tx, tenantId: string, current: number, limit: number): Promise<StaleMessage[]> {
  const { rows } = await tx.query(
    `SELECT message_id, conversation_id, body_ct, citations_ct FROM messages
      WHERE tenant_id = $1 AND key_version <> $2 ORDER BY message_id LIMIT $3 FOR UPDATE`,
    [tenantId, current, limit],
  )
  return rows.map((r) => ({
    messageId: r.message_id, conversationId: r.conversation_id, bodyCt: r.body_ct, citationsCt: r.citations_ct,
  }))
}

export async function updateMessageCiphertext(
  tx: Tx,
  tenantId: string,
  m: { messageId: string; bodyCt: Buffer; citationsCt: Buffer | null; keyVersion: number },
): Promise<void> {
  await tx.query(
    `UPDATE messages SET body_ct = $3, citations_ct = $4, key_version = $5 WHERE tenant_id = $1 AND message_id = $2`,
    [tenantId, m.messageId, m.bodyCt, m.citationsCt, m.keyVersion],
  )
}

export async function lockStaleConversations(tx: Tx, tenantId: string, current: number, limit: number) {
  const { rows } = await tx.query(
    `SELECT conversation_id, title_ct FROM conversations
      WHERE tenant_id = $1 AND key_version <> $2 ORDER BY conversation_id LIMIT $3 FOR UPDATE`,
    [tenantId, current, limit],
  )
  return rows.map((r) => ({ conversationId: r.conversation_id as string, titleCt: r.title_ct as Buffer | null }))
}

export async function updateConversationTitle(
  tx: Tx,
  tenantId: string,
  c: { conversationId: string; titleCt: Buffer | null; keyVersion: number },
): Promise<void> {
  await tx.query(
    `UPDATE conversations SET title_ct = $3, key_version = $4 WHERE tenant_id = $1 AND conversation_id = $2`,
    [tenantId, c.conversationId, c.titleCt, c.keyVersion],
  )
}
