import type { Keyring } from '../keys/keyring.ts'
import { classificationAt } from '../policy/levels.ts'
import { messageContext, openCitations, openText, titleContext } from './sealing.ts'
import type { ConversationDetail, StoredMessage } from './transcript-types.ts'
import type { ConversationRow, MessageRow } from './transcripts.repo.ts'

/**
 * Decrypts rows read by the store into what callers see. Runs outside any transaction: a key that is not cached is
 * loaded in a transaction of its own (keyring.resolveKey). Any ciphertext that fails to open (tampered, moved to
 * another row, or its key destroyed) fails the whole read rather than returning partial or wrong text.
 */
export async function openConversations(
  keyring: Keyring,
  tenantId: string,
  rows: ConversationRow[],
  messages: MessageRow[],
): Promise<ConversationDetail[]> {
  const byConversation = new Map<string, MessageRow[]>(rows.map((r) => [r.conversationId, []]))
  for (const m of messages) byConversation.get(m.conversationId)?.push(m)
  return Promise.all(rows.map((row) => openConversation(keyring, tenantId, row, byConversation.get(row.conversationId) ?? [])))
}

export async function openConversation(
  keyring: Keyring,
  tenantId: string,
  row: ConversationRow,
  messages: MessageRow[],
): Promise<ConversationDetail> {
  const id = row.conversationId
  // A title is optional metadata; a row written by this store always has one, and an absent one reveals nothing.
  const [title, opened] = await Promise.all([
    row.titleCt ? openText(keyring.resolveKey, titleContext(tenantId, id), row.titleCt) : '',
    openMessages(keyring, tenantId, id, messages),
  ])
  return { conversationId: id, title, classification: classificationAt(row.classification), messages: opened }
}

/** Decrypts message bodies and citations of one conversation, each bound to its own row. */
export function openMessages(keyring: Keyring, tenantId: string, conversationId: string, messages: MessageRow[]): Promise<StoredMessage[]> {
  const resolve = keyring.resolveKey
  return Promise.all(
    messages.map(async (m) => {
      const [text, citations] = await Promise.all([
        openText(resolve, messageContext(tenantId, conversationId, m.messageId, 'message'), m.bodyCt),
        m.citationsCt ? openCitations(resolve, messageContext(tenantId, conversationId, m.messageId, 'citation'), m.citationsCt) : [],
      ])
      return {
        messageId: m.messageId, role: m.role, text, citations, classification: classificationAt(m.classification),
        createdAt: m.createdAt, provider: m.provider, model: m.model, promptVersion: m.promptVersion,
      }
    }),
  )
}
