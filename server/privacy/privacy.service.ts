import { appendAudit } from '../audit/audit.service.ts'
import type { Principal } from '../auth/principal.ts'
import { deleteUserSessions } from '../auth/session.repo.ts'
import { deleteUserCounters } from '../chat/limits.repo.ts'
import { withPrincipal } from '../db/tx.ts'
import { scopeOf } from '../policy/rule.ts'
import { lockHolds } from '../retention/legal-holds.repo.ts'
import { exportConversations, type ExportedConversation } from '../transcripts/export.service.ts'
import type { TranscriptDeps } from '../transcripts/transcript-types.ts'
import { deleteUnheldConversations } from '../transcripts/transcripts.repo.ts'
import { deleteUserRow } from './privacy.repo.ts'

export interface DataExport {
  exportedAt: Date
  tenantId: string
  userId: string
  conversations: ExportedConversation[]
}

/** Data-subject access: everything stored about the caller's conversations, decrypted. Audited with counts only. */
export async function exportMyData(deps: TranscriptDeps, principal: Principal, now = new Date()): Promise<DataExport> {
  const conversations = await exportConversations(deps, principal)
  const messages = conversations.reduce((n, c) => n + c.messages.length, 0)
  await withPrincipal(deps.db, scopeOf(principal), (tx) =>
    appendAudit(tx, principal.tenantId, {
      type: 'dsr.export', actor: principal.userId, outcome: 'success',
      data: { conversations: conversations.length, messages },
    }),
  )
  return { exportedAt: now, tenantId: principal.tenantId, userId: principal.userId, conversations }
}

export interface ErasureResult {
  deleted: { conversations: number; sessions: number }
  /** Conversations kept because a legal hold covers them (or their owner); they are deleted once released. */
  held: number
}

/**
 * Data-subject erasure in one owner transaction: the caller's conversations that no legal hold covers (messages
 * cascade), all their sessions (this one included), their chat usage counters and leases, and their profile row.
 * Held conversations stay and are counted. Erasing the counters also resets today's chat token budget; the
 * per-minute rate limit (rate_limits, keyed by a digest) still applies.
 * The audit entry records counts only; the user id as actor is the one personal datum it keeps (audit/event.ts).
 */
export async function deleteMyData(deps: TranscriptDeps, principal: Principal): Promise<ErasureResult> {
  const { tenantId, userId } = principal
  return withPrincipal(deps.db, scopeOf(principal), async (tx) => {
    await lockHolds(tx, tenantId, 'shared')
    const removed = await deleteUnheldConversations(tx, tenantId, userId)
    const sessions = await deleteUserSessions(tx, tenantId, userId)
    const counters = await deleteUserCounters(tx, tenantId, userId)
    const profile = await deleteUserRow(tx, tenantId, userId)
    await appendAudit(tx, tenantId, {
      type: 'dsr.delete', actor: userId, outcome: 'success',
      data: {
        conversations: removed.conversations, messages: removed.messages, sessions, held: removed.held, profile,
        usageDays: counters.usageDays, leases: counters.leases,
      },
    })
    return { deleted: { conversations: removed.conversations, sessions }, held: removed.held }
  })
}
