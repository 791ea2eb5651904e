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
  const resolve = keyring.resolveKey
  const id = row.conversationId
  // A title is optional metadata; a row written by this store always has one, and an absent one reveals nothing.
  const title = row.titleCt ? await openText(resolve, titleContext(tenantId, id), row.titleCt) : ''
  const opened: StoredMessage[] = await Promise.all(
    messages.map(async (m) => ({
      messageId: m.messageId,
      role: m.role,
      text: await openText(resolve, messageContext(tenantId, id, m.messageId, 'message'), m.bodyCt),
      citations: m.citationsCt
        ? await openCitations(resolve, messageContext(tenantId, id, m.messageId, 'citation'), m.citationsCt)
        : [],
      classification: classificationAt(m.classification),
      createdAt: m.createdAt,
      provider: m.provider,
      model: m.model,
      promptVersion: m.promptVersion,
    })),
  )
  return { conversationId: id, title, classification: classificationAt(row.classification), messages: opened }
}
