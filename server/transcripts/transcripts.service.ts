import { randomUUID } from 'node:crypto'
import { appendAudit } from '../audit/audit.service.ts'
import type { Principal } from '../auth/principal.ts'
import { ensureTenant } from '../auth/session.repo.ts'
import type { TenantKey } from '../crypto/tenant-key.ts'
import { withPrincipal, type Tx } from '../db/tx.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import { scopeOf } from '../policy/rule.ts'
import { lockHolds } from '../retention/legal-holds.repo.ts'
import { openConversation, openConversations, openMessages } from './open-transcripts.ts'
import { messageContext, sealCitations, sealText, titleContext } from './sealing.ts'
import { checkMessages, checkTitle, isUuid, type CheckedMessage } from './transcript-input.ts'
import type { ConversationDetail, ConversationSummary, NewMessage, StoredMessage, TranscriptDeps } from './transcript-types.ts'
import {
  conversationHeld, deleteConversationRow, findConversationRow, insertConversation, insertConversationWithMessages, insertMessages,
  listConversationRows, listMessageRows, listRecentMessageRows, lockConversation, recordAppend, type SealedMessage,
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
  return withPrincipal(deps.db, scopeOf(principal), async (tx) => {
    const key = await newConversationKey(tx, deps, principal.tenantId)
    return createConversation(tx, principal, key, text, [])
  })
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
  return withPrincipal(deps.db, scopeOf(principal), (tx) => appendChecked(tx, deps, principal, conversationId, checked))
}

/**
 * One chat exchange inside the caller's principal transaction `tx`: a new conversation titled `title` holding the
 * messages, or the messages appended to the caller's conversation `conversationId`. The caller commits it together
 * with what else must not exist without it (usage counters, audit entries), so there is never a stored answer
 * without its audit entry, nor an entry for an answer that was not stored.
 */
export async function storeExchangeIn(
  tx: Tx,
  deps: TranscriptDeps,
  principal: Principal,
  exchange: { conversationId?: string | undefined; title: string; messages: NewMessage[] },
): Promise<{ conversationId: string; messageIds: string[] }> {
  const checked = checkMessages(exchange.messages)
  if (exchange.conversationId !== undefined) {
    if (!isUuid(exchange.conversationId)) throw notFound()
    const { messageIds } = await appendChecked(tx, deps, principal, exchange.conversationId, checked)
    return { conversationId: exchange.conversationId, messageIds }
  }
  const title = checkTitle(exchange.title)
  return createConversation(tx, principal, await newConversationKey(tx, deps, principal.tenantId), title, checked)
}

/**
 * The key for a new conversation. A tenant's first key and conversation reference its tenant row, which is created
 * then; a tenant with a key has its row already (tenant_keys references it).
 */
function newConversationKey(tx: Tx, deps: TranscriptDeps, tenantId: string): Promise<TenantKey> {
  return deps.keyring.activeKeyIn(tx, tenantId, { beforeFirstKey: (t) => ensureTenant(t, tenantId) })
}

/** A new conversation with its first messages (none for startConversation); the title and messages are sealed at once. */
async function createConversation(tx: Tx, principal: Principal, key: TenantKey, title: string, messages: CheckedMessage[]) {
  const { tenantId, userId } = principal
  const conversationId = randomUUID()
  const [titleCt, sealed] = await Promise.all([
    sealText(key, titleContext(tenantId, conversationId), title),
    sealMessages(key, tenantId, conversationId, messages),
  ])
  const row = { conversationId, userId, titleCt, keyVersion: key.version }
  if (sealed.length === 0) await insertConversation(tx, tenantId, row)
  else await insertConversationWithMessages(tx, tenantId, { ...row, level: checkedLevel(messages) }, sealed)
  return { conversationId, messageIds: sealed.map((m) => m.messageId) }
}

async function appendChecked(tx: Tx, deps: TranscriptDeps, principal: Principal, conversationId: string, checked: CheckedMessage[]) {
  const { tenantId, userId } = principal
  // Existence first (no lock), so an unknown id creates no key; then the key lock, then the row lock: the order
  // every writer uses (keys.repo.ts lockTenantKeys).
  if (!(await findConversationRow(tx, tenantId, userId, conversationId))) throw notFound()
  const key = await deps.keyring.activeKeyIn(tx, tenantId)
  if (!(await lockConversation(tx, tenantId, userId, conversationId))) throw notFound()
  const sealed = await sealMessages(key, tenantId, conversationId, checked)
  await insertSealed(tx, principal, conversationId, key, checkedLevel(checked), sealed)
  return { messageIds: sealed.map((m) => m.messageId) }
}

/** Seals every message (body and citations) concurrently: the envelope work of one message does not wait on another's. */
function sealMessages(key: TenantKey, tenantId: string, conversationId: string, messages: CheckedMessage[]): Promise<SealedMessage[]> {
  return Promise.all(messages.map(async (m) => {
    const messageId = randomUUID()
    const [bodyCt, citationsCt] = await Promise.all([
      sealText(key, messageContext(tenantId, conversationId, messageId, 'message'), m.text),
      m.citations.length === 0
        ? null
        : sealCitations(key, messageContext(tenantId, conversationId, messageId, 'citation'), m.citations),
    ])
    return {
      messageId, role: m.role, bodyCt, citationsCt, classification: m.level, promptVersion: m.promptVersion,
      promptHash: m.promptHash, provider: m.provider, model: m.model,
    }
  }))
}

async function insertSealed(tx: Tx, principal: Principal, conversationId: string, key: TenantKey, level: number, sealed: SealedMessage[]) {
  const { tenantId, userId } = principal
  await insertMessages(tx, tenantId, { userId, conversationId, keyVersion: key.version }, sealed)
  const bytes = sealed.reduce((n, m) => n + m.bodyCt.length + (m.citationsCt?.length ?? 0), 0)
  await recordAppend(tx, tenantId, conversationId, { count: sealed.length, bytes, level })
}

const checkedLevel = (messages: CheckedMessage[]) => Math.max(...messages.map((m) => m.level))

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

/** The newest messages of a conversation as read, still sealed; each is decrypted only when asked for. */
export interface RecentMessages {
  /** How many were read (at most the `max` asked for). */
  readonly count: number
  /** Decrypts the messages from `newest` to `newest + n` back from the newest (0 is the newest), oldest first. */
  open(newest: number, n: number): Promise<StoredMessage[]>
}

/**
 * The newest `max` messages of one of the caller's conversations, read in one transaction and decrypted on demand:
 * what a follow-up question needs, at a cost that does not grow with the length of the conversation. The title is
 * not read. null if the conversation does not exist or is not theirs.
 */
export async function readRecentMessages(
  deps: TranscriptDeps,
  principal: Principal,
  conversationId: string,
  max: number,
): Promise<RecentMessages | null> {
  if (!isUuid(conversationId)) return null
  const { tenantId, userId } = principal
  const rows = await withPrincipal(deps.db, scopeOf(principal), async (tx) => {
    await deps.keyring.assertUsable(tx, tenantId)
    if (!(await findConversationRow(tx, tenantId, userId, conversationId))) return null
    return listRecentMessageRows(tx, tenantId, userId, conversationId, max)
  })
  if (!rows) return null
  return {
    count: rows.length,
    open: (newest, n) => {
      const end = Math.max(0, rows.length - newest)
      return openMessages(deps.keyring, tenantId, conversationId, rows.slice(Math.max(0, end - n), end))
    },
  }
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
