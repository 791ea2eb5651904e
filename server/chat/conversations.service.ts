import type { Principal } from '../auth/principal.ts'
import { NotFoundError } from '../errors.ts'
import { deleteConversation, getConversation, listConversations, type TranscriptDeps } from '../transcripts/index.ts'
import { recheckConversation } from './history.ts'

/** The caller's conversation with every citation re-checked against the current access rule; 404 if not theirs. */
export async function readConversation(deps: TranscriptDeps, principal: Principal, conversationId: string) {
  const detail = await getConversation(deps, principal, conversationId)
  if (!detail) throw new NotFoundError('conversation_not_found', 'no such conversation')
  return recheckConversation(deps.db, principal, detail)
}

export async function listOwnConversations(deps: TranscriptDeps, principal: Principal, q: { limit: number; before?: string | undefined }) {
  const items = await listConversations(deps, principal, { limit: q.limit + 1, ...(q.before ? { before: new Date(q.before) } : {}) })
  const page = items.slice(0, q.limit)
  const last = page[page.length - 1]
  return { items: page, nextBefore: items.length > q.limit && last ? last.lastMessageAt.toISOString() : null }
}

/** Owner only: row-level security and the store both scope the delete to the caller. 404 if not theirs. */
export async function removeConversation(deps: TranscriptDeps, principal: Principal, conversationId: string) {
  if (!(await deleteConversation(deps, principal, conversationId))) {
    throw new NotFoundError('conversation_not_found', 'no such conversation')
  }
}
