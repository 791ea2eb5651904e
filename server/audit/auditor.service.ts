import type { Principal } from '../auth/principal.ts'
import type { Database } from '../db/pool.ts'
import { withTenant } from '../db/tx.ts'
import { BadRequestError } from '../errors.ts'
import { appendAudit, recordAudit } from './audit.service.ts'
import type { AuditFilter } from './audit.schema.ts'
import type { CheckpointVerifier } from './checkpoint.ts'
import type { AuditValue } from './event.ts'
import { selectEvents, type AuditRecord } from './events.repo.ts'
import { verifyTenantChain, type ChainReport } from './verify.ts'

export interface AuditorDeps {
  db: Database
  /** The checkpoint signing key's verifier: the KMS root-key provider (crypto/kms.ts). */
  verifier: CheckpointVerifier
}

/** Rows per export query: enough to amortize the round trip, few enough that memory stays flat. */
const EXPORT_BATCH = 500

/**
 * The auditor's view of the audit log: the events of the auditor's own tenant (the tenant comes from the verified
 * principal only, and row-level security scopes every query to it), newest first, keyset-paged by seq. The read
 * itself is recorded as `audit.read` in the same transaction, after the page was read: no page leaves without
 * its entry, and the entry does not appear in the page that caused it.
 */
export async function listAuditEvents(
  deps: AuditorDeps,
  auditor: Principal,
  q: AuditFilter & { limit: number; cursor?: string },
): Promise<{ events: AuditRecord[]; nextCursor: string | null }> {
  const beforeSeq = q.cursor === undefined ? undefined : decodeCursor(q.cursor)
  const { tenantId } = auditor
  return withTenant(deps.db, tenantId, 'app', async (tx) => {
    const rows = await selectEvents(tx, tenantId, { ...filterOf(q), beforeSeq, order: 'desc', limit: q.limit + 1 })
    const events = rows.slice(0, q.limit)
    const nextCursor = rows.length > q.limit ? encodeCursor(events.at(-1)!.seq) : null
    await appendAudit(tx, tenantId, {
      type: 'audit.read', actor: auditor.userId, outcome: 'success',
      data: { ...describe(q), page: beforeSeq !== undefined, count: events.length },
    })
    return { events, nextCursor }
  })
}

/**
 * Starts an export: records `audit.export` first, in its own transaction, then yields the matching events oldest
 * first, up to but excluding that entry, so the export is bounded however fast the log grows meanwhile. The
 * events come in batches of EXPORT_BATCH, one short transaction each: a slow client holds no connection open.
 */
export async function startAuditExport(deps: AuditorDeps, auditor: Principal, q: AuditFilter): Promise<AsyncGenerator<AuditRecord>> {
  const { tenantId } = auditor
  const { seq } = await recordAudit(deps.db, tenantId, {
    type: 'audit.export', actor: auditor.userId, outcome: 'success', data: describe(q),
  })
  return exportRows(deps.db, tenantId, filterOf(q), seq)
}

async function* exportRows(db: Database, tenantId: string, filter: AuditFilter, beforeSeq: number): AsyncGenerator<AuditRecord> {
  let afterSeq = 0
  for (;;) {
    const rows = await withTenant(db, tenantId, 'app', (tx) =>
      selectEvents(tx, tenantId, { ...filter, afterSeq, beforeSeq, order: 'asc', limit: EXPORT_BATCH }))
    yield* rows
    if (rows.length < EXPORT_BATCH) return
    afterSeq = rows.at(-1)!.seq
  }
}

/** Verifications in progress per database and tenant: concurrent calls share one walk of the chain. */
const running = new WeakMap<Database, Map<string, Promise<ChainReport>>>()

/**
 * Verifies the auditor's tenant chain, checkpoint signatures included, and records `audit.verify` with the result.
 * A walk reads every entry, so simultaneous requests for one tenant share a single walk instead of each starting
 * their own; each request is still recorded.
 */
export async function verifyAuditLog(deps: AuditorDeps, auditor: Principal): Promise<ChainReport> {
  const { tenantId } = auditor
  let perDb = running.get(deps.db)
  if (!perDb) running.set(deps.db, (perDb = new Map()))
  let walk = perDb.get(tenantId)
  if (!walk) {
    const tenants = perDb
    walk = verifyTenantChain(deps.db, tenantId, [deps.verifier]).finally(() => tenants.delete(tenantId))
    perDb.set(tenantId, walk)
  }
  const report = await walk
  const problem = report.firstProblem
  await recordAudit(deps.db, tenantId, {
    type: 'audit.verify', actor: auditor.userId, outcome: 'success',
    data: {
      status: problem ? 'broken' : 'intact', entries: report.count,
      ...(problem ? { problemSeq: problem.seq, problemKind: problem.kind } : {}),
    },
  })
  return report
}

function filterOf(q: AuditFilter): AuditFilter {
  return { ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}), ...(q.type ? { type: q.type } : {}) }
}

/** The filter as audit data: validated instants and an event-type name, never free text. */
function describe(q: AuditFilter): Record<string, AuditValue> {
  return {
    ...(q.from ? { from: q.from.toISOString() } : {}),
    ...(q.to ? { to: q.to.toISOString() } : {}),
    ...(q.type ? { eventType: q.type } : {}),
  }
}

// The cursor is the last seq of the previous page. It is opaque to clients; the version prefix lets its form change.
function encodeCursor(seq: number): string {
  return Buffer.from(`v1:${seq}`, 'utf8').toString('base64url')
}

function decodeCursor(cursor: string): number {
  const m = /^v1:([1-9]\d{0,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  const seq = m ? Number(m[1]) : NaN
  if (!Number.isSafeInteger(seq)) throw new BadRequestError('invalid_request', 'cursor: not a cursor from a previous page')
  return seq
}
