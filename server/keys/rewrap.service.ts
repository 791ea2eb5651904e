import { appendAudit } from '../audit/audit.service.ts'
import { decrypt, encrypt } from '../crypto/envelope.ts'
import type { TenantKey } from '../crypto/tenant-key.ts'
import { withTenant, type Tx } from '../db/tx.ts'
import { messageContext, titleContext } from '../transcripts/sealing.ts'
import type { KeyServiceDeps } from './keys.service.ts'
import { lockStaleConversations, lockStaleMessages, updateConversationTitle, updateMessageCiphertext } from './rewrap.repo.ts'

export interface RewrapReport {
  toVersion: number
  messages: number
  conversations: number
  batches: number
  /** False when stopped by the signal before every row was on the newest version. */
  complete: boolean
}

/**
 * Re-encrypts the tenant's messages and conversation titles that are still under an older key version with the
 * active one. Each batch is its own worker transaction (locks its rows, decrypts with the exact context, encrypts
 * again, updates), so a run can stop anywhere and the next run continues with what is left. A ciphertext that fails
 * to open stops the run with that error: it is tampered or misplaced and needs a person, not a silent skip.
 * Audited once per run as `key.rewrap` with counts.
 */
export async function rewrapKeys(
  deps: KeyServiceDeps,
  tenantId: string,
  actor: string,
  opts: { batchSize: number; signal?: AbortSignal },
): Promise<RewrapReport> {
  const batchSize = Math.max(1, Math.trunc(opts.batchSize))
  const report: RewrapReport = { toVersion: 0, messages: 0, conversations: 0, batches: 0, complete: false }
  while (!opts.signal?.aborted) {
    const batch = await withTenant(deps.db, tenantId, 'worker', (tx) => rewrapBatch(deps, tx, tenantId, batchSize))
    report.toVersion = batch.toVersion
    report.messages += batch.messages
    report.conversations += batch.conversations
    report.batches += 1
    if (batch.messages < batchSize && batch.conversations < batchSize) {
      report.complete = true
      break
    }
  }
  await withTenant(deps.db, tenantId, 'worker', (tx) =>
    appendAudit(tx, tenantId, {
      type: 'key.rewrap', actor, outcome: 'success',
      data: { toVersion: report.toVersion, messages: report.messages, conversations: report.conversations, complete: report.complete },
    }),
  )
  return report
}

async function rewrapBatch(deps: KeyServiceDeps, tx: Tx, tenantId: string, limit: number) {
  const active = await deps.keyring.activeKeyIn(tx, tenantId)
  // A private copy for the batch: the cached buffer is zeroed if its TTL ends while the batch runs.
  const key: TenantKey = { tenantId, version: active.version, key: Buffer.from(active.key) }
  const resolve = deps.keyring.resolverIn(tx)
  const reseal = async (context: Parameters<typeof encrypt>[1], ciphertext: Buffer) => {
    const plain = await decrypt(resolve, context, ciphertext)
    try {
      return await encrypt(key, context, plain)
    } finally {
      plain.fill(0)
    }
  }
  try {
    const messages = await lockStaleMessages(tx, tenantId, key.version, limit)
    for (const m of messages) {
      const ctx = (purpose: 'message' | 'citation') => messageContext(tenantId, m.conversationId, m.messageId, purpose)
      await updateMessageCiphertext(tx, tenantId, {
        messageId: m.messageId,
        bodyCt: await reseal(ctx('message'), m.bodyCt),
        citationsCt: m.citationsCt ? await reseal(ctx('citation'), m.citationsCt) : null,
        keyVersion: key.version,
      })
    }
    const conversations = await lockStaleConversations(tx, tenantId, key.version, limit)
    for (const c of conversations) {
      const titleCt = c.titleCt ? await reseal(titleContext(tenantId, c.conversationId), c.titleCt) : null
      await updateConversationTitle(tx, tenantId, { conversationId: c.conversationId, titleCt, keyVersion: key.version })
    }
    return { toVersion: key.version, messages: messages.length, conversations: conversations.length }
  } finally {
    key.key.fill(0)
  }
}
