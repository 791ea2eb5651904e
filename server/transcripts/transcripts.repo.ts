import type { Tx } from '../db/tx.ts'
import { notHeldSql } from '../retention/legal-holds.repo.ts'

/** A conversations row as the store reads it; `titleCt` is ciphertext and never leaves the service. */
export interface ConversationRow {
  conversationId: string
  titleCt: Buffer | null
  classification: number
  createdAt: Date
  lastMessageAt: Date
  messageCount: number
}

export interface MessageRow {
  messageId: string
  conversationId: string
  role: 'user' | 'assistant'
  bodyCt: Buffer
  citationsCt: Buffer | null
  classification: number
  createdAt: Date
  provider: string | null
  model: string | null
  promptVersion: string | null
}

export interface SealedMessage {
  messageId: string
  role: 'user' | 'assistant'
  bodyCt: Buffer
  citationsCt: Buffer | null
  classification: number
  promptVersion: string | null
  promptHash: string | null
  provider: string | null
  model: string | null
}

const CONVERSATION_COLUMNS = 'conversation_id, title_ct, classification, created_at, last_message_at, message_count'

const toConversation = (r: Record<string, unknown>): ConversationRow => ({
  conversationId: r.conversation_id as string, titleCt: r.title_ct as Buffer | null,
  classification: r.classification as number, createdAt: r.created_at as Date,
  lastMessageAt: r.last_message_at as Date, messageCount: r.message_count as number,
})

const toMessage = (r: Record<string, unknown>): MessageRow => ({
  messageId: r.message_id as string, conversationId: r.conversation_id as string, role: r.role as MessageRow['role'],
  bodyCt: r.body_ct as Buffer, citationsCt: r.citations_ct as Buffer | null, classification: r.classification as number,
  createdAt: r.created_at as Date, provider: r.provider as string | null, model: r.model as string | null,
  promptVersion: r.prompt_version as string | null,
})

export async function insertConversation(
  tx: Tx,
  tenantId: string,
  c: { conversationId: string; userId: string; titleCt: Buffer; keyVersion: number },
): Promise<void> {
  await tx.query(
    `INSERT INTO conversations (tenant_id, conversation_id, user_id, title_ct, key_version, byte_size)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [tenantId, c.conversationId, c.userId, c.titleCt, c.keyVersion, c.titleCt.length],
  )
}

/** Locks the owner's conversation row for an append; null when it does not exist or is not theirs. */
export async function lockConversation(tx: Tx, tenantId: string, userId: string, conversationId: string): Promise<boolean> {
  const { rows } = await tx.query(
    `SELECT 1 FROM conversations WHERE tenant_id = $1 AND user_id = $2 AND conversation_id = $3 FOR UPDATE`,
    [tenantId, userId, conversationId],
  )
  return rows.length > 0
}

/**
 * Inserts the messages of one append in one statement. created_at is the transaction time plus the message's
 * position in microseconds, so the messages of one append keep their order when read back.
 */
export async function insertMessages(
  tx: Tx,
  tenantId: string,
  owner: { userId: string; conversationId: string; keyVersion: number },
  messages: SealedMessage[],
): Promise<void> {
  const insert = messagesInsert(tenantId, owner, messages)
  await tx.query(insert.text, insert.values)
}

/**
 * A new conversation and its first messages in one statement, with the counters recordAppend() would set. The
 * messages' foreign key is checked at the end of the statement, when the conversation row exists.
 */
export async function insertConversationWithMessages(
  tx: Tx,
  tenantId: string,
  c: { conversationId: string; userId: string; titleCt: Buffer; keyVersion: number; level: number },
  messages: SealedMessage[],
): Promise<void> {
  const insert = messagesInsert(tenantId, c, messages)
  const at = insert.values.length
  const bytes = c.titleCt.length + messages.reduce((n, m) => n + m.bodyCt.length + (m.citationsCt?.length ?? 0), 0)
  await tx.query(
    `WITH conversation AS (
       INSERT INTO conversations (tenant_id, conversation_id, user_id, title_ct, key_version, byte_size, message_count,
         classification, last_message_at)
       VALUES ($1, $2, $3, $${at + 1}, $4, $${at + 2}, $${at + 3}::int, $${at + 4},
         now() + ($${at + 3}::int - 1) * interval '1 microsecond'))
     ${insert.text}`,
    [...insert.values, c.titleCt, bytes, messages.length, c.level],
  )
}

function messagesInsert(
  tenantId: string,
  owner: { userId: string; conversationId: string; keyVersion: number },
  messages: SealedMessage[],
): { text: string; values: unknown[] } {
  const values: unknown[] = [tenantId, owner.conversationId, owner.userId, owner.keyVersion]
  const tuples = messages.map((m, i) => {
    const at = values.length
    values.push(m.messageId, m.role, m.bodyCt, m.citationsCt, m.classification, m.promptVersion, m.promptHash,
      m.provider, m.model, m.bodyCt.length + (m.citationsCt?.length ?? 0), i)
    const p = (k: number) => `$${at + k}`
    return `($1, ${p(1)}, $2, $3, ${p(2)}, ${p(3)}, ${p(4)}, $4, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)}, ${p(10)},
      now() + ${p(11)}::int * interval '1 microsecond')`
  })
  return {
    text: `INSERT INTO messages (tenant_id, message_id, conversation_id, user_id, role, body_ct, citations_ct, key_version,
       classification, prompt_version, prompt_hash, provider, model, byte_size, created_at)
     VALUES ${tuples.join(', ')}`,
    values,
  }
}

export async function recordAppend(
  tx: Tx,
  tenantId: string,
  conversationId: string,
  a: { count: number; bytes: number; level: number },
): Promise<void> {
  await tx.query(
    `UPDATE conversations SET message_count = message_count + $3, byte_size = byte_size + $4,
        classification = GREATEST(classification, $5), last_message_at = now() + ($3 - 1) * interval '1 microsecond'
      WHERE tenant_id = $1 AND conversation_id = $2`,
    [tenantId, conversationId, a.count, a.bytes, a.level],
  )
}

export async function listConversationRows(
  tx: Tx,
  tenantId: string,
  userId: string,
  opts: { limit: number; before?: Date },
): Promise<ConversationRow[]> {
  const { rows } = await tx.query(
    `SELECT ${CONVERSATION_COLUMNS} FROM conversations
      WHERE tenant_id = $1 AND user_id = $2 AND ($3::timestamptz IS NULL OR last_message_at < $3)
      ORDER BY last_message_at DESC, conversation_id DESC LIMIT $4`,
    [tenantId, userId, opts.before ?? null, opts.limit],
  )
  return rows.map(toConversation)
}

export async function findConversationRow(tx: Tx, tenantId: string, userId: string, conversationId: string) {
  const { rows } = await tx.query(
    `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE tenant_id = $1 AND user_id = $2 AND conversation_id = $3`,
    [tenantId, userId, conversationId],
  )
  return rows[0] ? toConversation(rows[0]) : null
}

/** Messages of the given conversations of one owner, in conversation order. */
export async function listMessageRows(tx: Tx, tenantId: string, userId: string, conversationIds: string[]): Promise<MessageRow[]> {
  if (conversationIds.length === 0) return []
  const { rows } = await tx.query(
    `SELECT message_id, conversation_id, role, body_ct, citations_ct, classification, created_at, provider, model,
            prompt_version
       FROM messages WHERE tenant_id = $1 AND user_id = $2 AND conversation_id = ANY($3::uuid[])
      ORDER BY created_at, message_id`,
    [tenantId, userId, conversationIds],
  )
  return rows.map(toMessage)
}

/** The newest `limit` messages of one of the owner's conversations, returned oldest first. */
export async function listRecentMessageRows(tx: Tx, tenantId: string, userId: string, conversationId: string, limit: number): Promise<MessageRow[]> {
  const { rows } = await tx.query(
    `SELECT message_id, conversation_id, role, body_ct, citations_ct, classification, created_at, provider, model,
            prompt_version
       FROM messages WHERE tenant_id = $1 AND user_id = $2 AND conversation_id = $3
      ORDER BY created_at DESC, message_id DESC LIMIT $4`,
    [tenantId, userId, conversationId, limit],
  )
  return rows.reverse().map(toMessage)
}

export async function listAllConversationRows(tx: Tx, tenantId: string, userId: string): Promise<ConversationRow[]> {
  const { rows } = await tx.query(
    `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE tenant_id = $1 AND user_id = $2
      ORDER BY created_at, conversation_id`,
    [tenantId, userId],
  )
  return rows.map(toConversation)
}

/** Whether an active legal hold covers the owner's conversation. */
export async function conversationHeld(tx: Tx, tenantId: string, userId: string, conversationId: string): Promise<boolean> {
  const { rows } = await tx.query(
    `SELECT NOT (${notHeldSql('c', '$1')}) AS held FROM conversations c
      WHERE c.tenant_id = $1 AND c.user_id = $2 AND c.conversation_id = $3`,
    [tenantId, userId, conversationId],
  )
  return rows[0]?.held === true
}

/** Deletes the owner's conversation (messages cascade); returns its message count, or null if nothing was deleted. */
export async function deleteConversationRow(tx: Tx, tenantId: string, userId: string, conversationId: string) {
  const { rows } = await tx.query(
    `DELETE FROM conversations WHERE tenant_id = $1 AND user_id = $2 AND conversation_id = $3 RETURNING message_count`,
    [tenantId, userId, conversationId],
  )
  return rows[0] ? (rows[0].message_count as number) : null
}

/** Deletes every conversation of the owner that no legal hold covers; counts what was deleted and what was kept. */
export async function deleteUnheldConversations(tx: Tx, tenantId: string, userId: string) {
  const { rows } = await tx.query(
    `WITH gone AS (
       DELETE FROM conversations c WHERE c.tenant_id = $1 AND c.user_id = $2 AND ${notHeldSql('c', '$1')}
       RETURNING c.message_count)
     SELECT (SELECT count(*)::int FROM gone) AS conversations,
            (SELECT coalesce(sum(message_count), 0)::int FROM gone) AS messages,
            -- Every part of the statement sees the snapshot from before the DELETE: held = all - deleted.
            (SELECT count(*)::int FROM conversations c WHERE c.tenant_id = $1 AND c.user_id = $2)
              - (SELECT count(*)::int FROM gone) AS held`,
    [tenantId, userId],
  )
  return { conversations: rows[0].conversations as number, messages: rows[0].messages as number, held: rows[0].held as number }
}
