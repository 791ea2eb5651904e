import type { Principal } from '../auth/principal.ts'
import { withPrincipal } from '../db/tx.ts'
import { scopeOf } from '../policy/rule.ts'
import { openConversations } from './open-transcripts.ts'
import type { ConversationDetail, TranscriptDeps } from './transcript-types.ts'
import { listAllConversationRows, listMessageRows } from './transcripts.repo.ts'

export interface ExportedConversation extends ConversationDetail {
  createdAt: Date
  lastMessageAt: Date
}

/**
 * Every conversation of the caller, decrypted, oldest first: the transcript part of a data-subject access request.
 * Read in one owner transaction, so the export is one consistent snapshot.
 */
export async function exportConversations(deps: TranscriptDeps, principal: Principal): Promise<ExportedConversation[]> {
  const { tenantId, userId } = principal
  const { rows, messages } = await withPrincipal(deps.db, scopeOf(principal), async (tx) => {
    await deps.keyring.assertUsable(tx, tenantId)
    const rows = await listAllConversationRows(tx, tenantId, userId)
    return { rows, messages: await listMessageRows(tx, tenantId, userId, rows.map((r) => r.conversationId)) }
  })
  const opened = await openConversations(deps.keyring, tenantId, rows, messages)
  return opened.map((c, i) => ({ ...c, createdAt: rows[i]!.createdAt, lastMessageAt: rows[i]!.lastMessageAt }))
}
