import type { Principal } from '../auth/principal.ts'
import type { Database } from '../db/pool.ts'
import { withPrincipal } from '../db/tx.ts'
import { NotFoundError } from '../errors.ts'
import { levelOf, type Classification } from '../policy/levels.ts'
import { scopeOf } from '../policy/rule.ts'
import { readRecentMessages, type ConversationDetail, type StoredMessage, type TranscriptDeps } from '../transcripts/index.ts'
import type { Turn } from './compose.ts'
import { visibleChunkIds } from './visibility.repo.ts'

/** Earlier messages given to the model with a new question. */
export const HISTORY_MESSAGES = 8

/** Shown instead of an earlier answer that cited a passage the user may no longer see. */
export const WITHHELD_HISTORY = 'This answer cited documents you can no longer access, so it is withheld.'

/**
 * Most stored messages read for one follow-up question. They are decrypted and re-checked HISTORY_MESSAGES at a time
 * from the newest, and older ones only while withheld or egress-filtered answers leave fewer turns than that; so the
 * cost of a question does not grow with the length of the conversation, and beyond this bound the model gets fewer
 * turns.
 */
export const HISTORY_WINDOW = 4 * HISTORY_MESSAGES

/**
 * Re-applies the current access rule to stored messages. A citation of a chunk the user may no longer see (access
 * revoked, document reclassified or deleted) is withheld; so is the text of that answer, because it quotes or
 * paraphrases the passage the citation pointed to. Returns how many citations were withheld.
 */
export async function recheckMessages(db: Database, principal: Principal, stored: readonly StoredMessage[]) {
  const ids = [...new Set(stored.flatMap((m) => m.citations.map((c) => c.chunkId)))]
  const visible = ids.length === 0
    ? new Set<string>()
    : await withPrincipal(db, scopeOf(principal), (tx) => visibleChunkIds(tx, scopeOf(principal), ids))
  let withheld = 0
  const messages = stored.map((m) => {
    const kept = m.citations.filter((c) => visible.has(c.chunkId))
    if (kept.length === m.citations.length) return m
    withheld += m.citations.length - kept.length
    return { ...m, citations: kept, text: m.role === 'assistant' ? WITHHELD_HISTORY : m.text }
  })
  return { messages, withheld }
}

/** The same for a whole conversation, as GET /api/conversations/:id shows it. */
export async function recheckConversation(db: Database, principal: Principal, detail: ConversationDetail) {
  const { messages, withheld } = await recheckMessages(db, principal, detail.messages)
  return { detail: { ...detail, messages }, withheld }
}

/**
 * The earlier turns of one of the caller's conversations, for the model: the newest messages, re-checked against the
 * current access rule (withheld answers are left out), without answers classified above `maxLevel` (the provider's
 * egress limit), and only the last HISTORY_MESSAGES of what remains. 404 when the conversation does not exist or
 * belongs to someone else.
 */
export async function priorTurns(deps: TranscriptDeps, principal: Principal, conversationId: string, maxLevel: Classification): Promise<Turn[]> {
  const recent = await readRecentMessages(deps, principal, conversationId, HISTORY_WINDOW)
  if (!recent) throw new NotFoundError('conversation_not_found', 'no such conversation')
  let kept: StoredMessage[] = []
  for (let newest = 0; newest < recent.count && kept.length < HISTORY_MESSAGES; newest += HISTORY_MESSAGES) {
    const { messages } = await recheckMessages(deps.db, principal, await recent.open(newest, HISTORY_MESSAGES))
    const usable = messages
      .filter((m) => !(m.role === 'assistant' && m.text === WITHHELD_HISTORY))
      .filter((m) => levelOf(m.classification) <= levelOf(maxLevel))
    kept = [...usable, ...kept]
  }
  return kept.slice(-HISTORY_MESSAGES).map((m) => ({ role: m.role, text: m.text }))
}
