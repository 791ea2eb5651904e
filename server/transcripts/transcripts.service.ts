import { randomUUID } from 'node:crypto'
import { appendAudit } from '../audit/audit.service.ts'
import type { Principal } from '../auth/principal.ts'
import { ensureTenant } from '../auth/session.repo.ts'
import { withPrincipal } from '../db/tx.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import { scopeOf } from '../policy/rule.ts'
import { lockHolds } from '../retention/legal-holds.repo.ts'
import { openConversation, openConversations } from './open-transcripts.ts'
import { messageContext, sealCitations, sealText, titleContext } from './sealing.ts'
import { checkMessages, checkTitle, isUuid } from './transcript-input.ts'
import type { ConversationDetail, ConversationSummary, NewMessage, TranscriptDeps } from './transcript-types.ts'
import {
  conversationHeld, deleteConversationRow, findConversationRow, insertConversation, insertMessages,
  listConversationRows, listMessageRows, lockConversation, recordAppend, type SealedMessage,
} from './transcripts.repo.ts'

export type { ConversationDetail, ConversationSummary, NewMessage, StoredCitation, StoredMessage, TranscriptDeps } from './transcript-types.ts'

/**
 * The encrypted transcript store. Every read and write runs as the owner (withPrincipal: row-level security sees
 * the caller's tenant and user, and each query also names them). Titles, message text and citations are stored
 * only as ciphertext bound to tenant, conversation and message (sealing.ts). Decryption happens after the reading
 * transaction has ended, so key loads never nest inside it.
 */
const notFound = () => new NotFoundError('conversation_not_found', 'no such conversation')

export async function startConversation(deps: TranscriptDeps, principal: Principal, title: string) {
  const text = checkTitle(title)
  const conversationId = randomUUID()
  await withPrincipal(deps.db, scopeOf(principal), async (tx) => {
    await ensureTenant(tx, principal.tenantId)
    const key = await deps.keyring.activeKeyIn(tx, principal.tenantId)
    const titleCt = await sealText(key, titleContext(principal.tenantId, conversationId), text)
    await insertConversation(tx, principal.tenantId, { conversationId, userId: principal.userId, titleCt, keyVersion: key.version })
  })
  return { conversationId }
}

/**
 * Appends the messages in one transaction: all are stored or none (a failed answer leaves no half exchange). The
 * conversation's classification rises to the highest message classification and never falls.
 */
export async function appendMessages(
  deps: TranscriptDeps,
  principal: Principal,
  conversationId: string,
  messages: NewMessage[],
): Promise<{ messageIds: string[] }> {
  const checked = checkMessages(messages)
  if (!isUuid(conversationId)) throw notFound()
  const { tenantId, userId } = principal
  return withPrincipal(deps.db, scopeOf(principal), async (tx) => {
    // Existence first (no lock), so an unknown id creates no key; then the key lock, then the row lock: the order
    // every writer uses (keys.repo.ts lockTenantKeys).
    if (!(await findConversationRow(tx, tenantId, userId, conversationId))) throw notFound()
    const key = await deps.keyring.activeKeyIn(tx, tenantId)
    if (!(await lockConversation(tx, tenantId, userId, conversationId))) throw notFound()
    const sealed: SealedMessage[] = []
    for (const m of checked) {
      const messageId = randomUUID()
      const bodyCt = await sealText(key, messageContext(tenantId, conversationId, messageId, 'message'), m.text)
      const citationsCt = m.citations.length === 0
        ? null
        : await sealCitations(key, messageContext(tenantId, conversationId, messageId, 'citation'), m.citations)
      sealed.push({
        messageId, role: m.role, bodyCt, citationsCt, classification: m.level, promptVersion: m.promptVersion,
        promptHash: m.promptHash, provider: m.provider, model: m.model,
      })
    }
    await insertMessages(tx, tenantId, { userId, conversationId, keyVersion: key.version }, sealed)
    const bytes = sealed.reduce((n, m) => n + m.bodyCt.length + (m.citationsCt?.length ?? 0), 0)
    await recordAppend(tx, tenantId, conversationId, {
      count: sealed.length, bytes, level: Math.max(...checked.map((m) => m.level)),
    })
    return { messageIds: sealed.map((m) => m.messageId) }
  })
}

/** The caller's conversations, most recent first; `before` pages by last message time. */
export async function listConversations(
  deps: TranscriptDeps,
  principal: Principal,
  opts: { limit: number; before?: Date },
): Promise<ConversationSummary[]> {
  const limit = Math.min(Math.max(Math.trunc(opts.limit) || 1, 1), 200)
  const rows = await withPrincipal(deps.db, scopeOf(principal), async (tx) => {
    await deps.keyring.assertUsable(tx, principal.tenantId)
    return listConversationRows(tx, principal.tenantId, principal.userId, { limit, ...(opts.before ? { before: opts.before } : {}) })
  })
  const opened = await openConversations(deps.keyring, principal.tenantId, rows, [])
  return opened.map((c, i) => ({
    conversationId: c.conversationId, title: c.title, classification: c.classification,
    createdAt: rows[i]!.createdAt, lastMessageAt: rows[i]!.lastMessageAt, messageCount: rows[i]!.messageCount,
  }))
}

/** One of the caller's conversations with every message decrypted; null if it does not exist or is not theirs. */
export async function getConversation(
  deps: TranscriptDeps,
  principal: Principal,
  conversationId: string,
): Promise<ConversationDetail | null> {
  if (!isUuid(conversationId)) return null
  const found = await withPrincipal(deps.db, scopeOf(principal), async (tx) => {
    await deps.keyring.assertUsable(tx, principal.tenantId)
    const row = await findConversationRow(tx, principal.tenantId, principal.userId, conversationId)
    return row ? { row, messages: await listMessageRows(tx, principal.tenantId, principal.userId, [conversationId]) } : null
  })
  return found ? openConversation(deps.keyring, principal.tenantId, found.row, found.messages) : null
}

/**
 * Deletes one of the caller's conversations and its messages, audited as `conversation.delete`. False if it does
 * not exist or is not theirs; 409 `legal_hold_active` if a legal hold covers it (the conversation or its owner).
 */
export async function deleteConversation(deps: TranscriptDeps, principal: Principal, conversationId: string): Promise<boolean> {
  if (!isUuid(conversationId)) return false
  const { tenantId, userId } = principal
  return withPrincipal(deps.db, scopeOf(principal), async (tx) => {
    await lockHolds(tx, tenantId, 'shared')
    if (!(await lockConversation(tx, tenantId, userId, conversationId))) return false
    if (await conversationHeld(tx, tenantId, userId, conversationId)) {
      throw new ConflictError('legal_hold_active', 'this conversation is under a legal hold and cannot be deleted')
    }
    const messages = await deleteConversationRow(tx, tenantId, userId, conversationId)
    if (messages === null) return false
    await appendAudit(tx, tenantId, {
      type: 'conversation.delete', actor: userId, outcome: 'success', data: { conversationId, messages },
    })
    return true
  })
}
