import type { Principal } from '../auth/principal.ts'
import type { Database } from '../db/pool.ts'
import { withPrincipal } from '../db/tx.ts'
import { NotFoundError } from '../errors.ts'
import { levelOf, type Classification } from '../policy/levels.ts'
import { scopeOf } from '../policy/rule.ts'
import { getConversation, type ConversationDetail, type TranscriptDeps } from '../transcripts/index.ts'
import type { Turn } from './compose.ts'
import { visibleChunkIds } from './visibility.repo.ts'

/** Earlier messages given to the model with a new question. */
export const HISTORY_MESSAGES = 8

/** Shown instead of an earlier answer that cited a passage the user may no longer see. */
export const WITHHELD_HISTORY = 'This answer cited documents you can no longer access, so it is withheld.'

/**
 * Re-applies the current access rule to a stored conversation. A citation of a chunk the user may no longer see
 * (access revoked, document reclassified or deleted) is withheld; so is the text of that answer, because it quotes
 * or paraphrases the passage the citation pointed to. Returns how many citations were withheld.
 */
export async function recheckConversation(db: Database, principal: Principal, detail: ConversationDetail) {
  const ids = [...new Set(detail.messages.flatMap((m) => m.citations.map((c) => c.chunkId)))]
  const visible = await withPrincipal(db, scopeOf(principal), (tx) => visibleChunkIds(tx, scopeOf(principal), ids))
  let withheld = 0
  const messages = detail.messages.map((m) => {
    const kept = m.citations.filter((c) => visible.has(c.chunkId))
    if (kept.length === m.citations.length) return m
    withheld += m.citations.length - kept.length
    return { ...m, citations: kept, text: m.role === 'assistant' ? WITHHELD_HISTORY : m.text }
  })
  return { detail: { ...detail, messages }, withheld }
}

/**
 * The earlier turns of one of the caller's conversations, for the model: re-checked against the current access rule
 * (withheld answers are left out), without answers classified above `maxLevel` (the provider's egress limit), and
 * only the last HISTORY_MESSAGES. 404 when the conversation does not exist or belongs to someone else.
 */
export async function priorTurns(deps: TranscriptDeps, principal: Principal, conversationId: string, maxLevel: Classification): Promise<Turn[]> {
  const detail = await getConversation(deps, principal, conversationId)
  if (!detail) throw new NotFoundError('conversation_not_found', 'no such conversation')
  const { detail: checked } = await recheckConversation(deps.db, principal, detail)
  return checked.messages
    .filter((m) => !(m.role === 'assistant' && m.text === WITHHELD_HISTORY))
    .filter((m) => levelOf(m.classification) <= levelOf(maxLevel))
    .slice(-HISTORY_MESSAGES)
    .map((m) => ({ role: m.role, text: m.text }))
}
