import { randomUUID } from 'node:crypto'
import { appendAuditBatch } from '../audit/audit.service.ts'
import type { AuditEvent } from '../audit/event.ts'
import type { Principal } from '../auth/principal.ts'
import type { Database } from '../db/pool.ts'
import { withPrincipal, type Tx } from '../db/tx.ts'
import { TooManyRequestsError } from '../errors.ts'
import { scopeOf } from '../policy/rule.ts'
import { endLease, lockUsage, NO_COMMIT_FLUSH, takeLease } from './limits.repo.ts'

export interface ChatLimitSettings {
  maxConcurrent: number
  dailyTokenBudget: number
  /** How long a lease counts if its request never finishes (the instance died): the model deadline plus a margin. */
  leaseSeconds: number
}

/** Retry-After for the concurrency cap: requests in flight usually finish within seconds. */
const CONCURRENCY_RETRY_SECONDS = 2

/**
 * Takes a chat slot for the user: refuses with 429 and Retry-After when today's token budget cannot cover the
 * request's estimated input or when the user already has maxConcurrent requests in flight. Both counters live in
 * PostgreSQL (migrations/0009), so every instance enforces the same limits. Returns the lease id to release. The
 * commit does not wait for its WAL flush (limits.repo.ts NO_COMMIT_FLUSH).
 */
export async function acquireChatSlot(db: Database, principal: Principal, s: ChatLimitSettings, estimatedTokens: number) {
  const { tenantId, userId } = principal
  return withPrincipal(db, scopeOf(principal), async (tx) => {
    const usage = await lockUsage(tx, tenantId, userId)
    if (usage.tokens + estimatedTokens > s.dailyTokenBudget) {
      throw new TooManyRequestsError('chat_budget_exhausted', 'your daily chat budget is used up; it resets at midnight UTC', usage.resetSeconds)
    }
    const leaseId = randomUUID()
    if (!(await takeLease(tx, tenantId, userId, { id: leaseId, ttlSeconds: s.leaseSeconds, max: s.maxConcurrent }))) {
      throw new TooManyRequestsError('chat_concurrency_limit', `at most ${s.maxConcurrent} chat requests may run at once; retry shortly`, CONCURRENCY_RETRY_SECONDS)
    }
    return leaseId
  }, 'app', NO_COMMIT_FLUSH)
}

/**
 * Releases the slot, records the tokens spent and appends the request's audit events, in one transaction of its own:
 * the path for a request that ends without a stored answer (refused, failed, timed out).
 */
export async function releaseChatSlot(db: Database, principal: Principal, leaseId: string, tokens: number, events: AuditEvent[]) {
  await withPrincipal(db, scopeOf(principal), (tx) => releaseChatSlotIn(tx, principal, leaseId, tokens, events))
}

/**
 * The same inside the caller's principal transaction, so that an answer, the tokens it cost and its audit entries
 * commit together. The audit chain lock is taken last, so it is held only until the caller commits.
 */
export async function releaseChatSlotIn(tx: Tx, principal: Principal, leaseId: string, tokens: number, events: AuditEvent[]) {
  const { tenantId, userId } = principal
  await endLease(tx, tenantId, userId, leaseId, tokens)
  await appendAuditBatch(tx, tenantId, events)
}
