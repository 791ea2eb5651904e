import type { Database } from '../db/pool.ts'
import { withTenant, type Tx } from '../db/tx.ts'
import { insertEntries, lockedHead } from './audit.repo.ts'
import { validateAuditEvent, type AuditEvent, type AuditValue } from './event.ts'
import { entryHash, GENESIS_HASH, type HashedEntry } from './hash.ts'
import { AppError } from '../errors.ts'

/**
 * Appends an event to the tenant's chain inside the caller's transaction, so the audit row commits or rolls back
 * together with the action it records: no action without its entry, no entry for an action that did not happen.
 *
 * The transaction must be scoped to `tenantId` (withTenant/withPrincipal set `strongroom.tenant_id`; row-level
 * security rejects a row for any other tenant) and run at READ COMMITTED, the default: the read of the chain head
 * after the lock must see the entry the previous lock holder committed. The chain lock is held until the caller's
 * transaction ends, so appends for one tenant are serialized; call this late in long transactions.
 */
export async function appendAudit(tx: Tx, tenantId: string, event: AuditEvent, now = new Date()): Promise<{ seq: number }> {
  const [seq] = await appendAuditBatch(tx, tenantId, [event], now)
  return { seq: seq as number }
}

/**
 * Appends several events, in order, as consecutive entries of the tenant's chain: one lock, one head read and one
 * insert, whatever their number, so a request that records several events holds the chain lock for fewer round
 * trips. Same transaction rules as appendAudit. Returns the sequence numbers given to the events.
 */
export async function appendAuditBatch(tx: Tx, tenantId: string, events: readonly AuditEvent[], now = new Date()): Promise<number[]> {
  if (events.length === 0) return []
  if (Number.isNaN(now.getTime())) throw new AppError('audit_event_invalid', 'audit event time is invalid', { status: 500 })
  // Validate and hash private copies: a caller mutating its object (or a getter) cannot make the stored row differ
  // from what was checked and hashed.
  const copies: Required<AuditEvent>[] = events.map((event) => {
    const ev: Required<AuditEvent> = { type: event.type, actor: event.actor, outcome: event.outcome, data: copy(event.data) }
    validateAuditEvent(tenantId, ev)
    return ev
  })
  const head = await lockedHead(tx, tenantId)
  let prevHash = head?.hash ?? GENESIS_HASH
  let seq = head?.seq ?? 0
  const occurredAt = now.toISOString()
  const rows = copies.map((ev) => {
    const entry: HashedEntry = { tenantId, seq: ++seq, occurredAt, type: ev.type, actor: ev.actor, outcome: ev.outcome, data: ev.data }
    const hash = entryHash(prevHash, entry)
    const row = { ...entry, prevHash, hash }
    prevHash = hash
    return row
  })
  await insertEntries(tx, rows)
  return rows.map((r) => r.seq)
}

/**
 * Records an event that belongs to no business transaction (a failed login, a rejected token) in a transaction of
 * its own. Events without a tenant go to the SYSTEM_TENANT chain.
 */
export function recordAudit(db: Database, tenantId: string, event: AuditEvent, now = new Date()): Promise<{ seq: number }> {
  return withTenant(db, tenantId, 'app', (tx) => appendAudit(tx, tenantId, event, now))
}

function copy(data: AuditEvent['data']): Record<string, AuditValue> {
  try {
    return structuredClone(data ?? {})
  } catch (err) {
    throw new AppError('audit_event_invalid', 'audit event data is not plain data', { status: 500, cause: err })
  }
}
