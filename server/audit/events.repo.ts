import type { Tx } from '../db/tx.ts'
import type { AuditValue } from './event.ts'

/** An entry as the auditor API shows it: everything stored but the hashes. */
export interface AuditRecord {
  seq: number
  occurredAt: Date
  type: string
  actor: string
  outcome: string
  data: Record<string, AuditValue>
}

export interface EventQuery {
  /** Inclusive lower bound of occurred_at. */
  from?: Date
  /** Exclusive upper bound of occurred_at. */
  to?: Date
  /** Exact event type. */
  type?: string
  /** Keyset bounds on seq, both exclusive. */
  afterSeq?: number
  beforeSeq?: number
  order: 'asc' | 'desc'
  limit: number
}

/**
 * One page of a tenant's events by seq, the chain's own order (occurred_at comes from each instance's clock and may
 * step back). Only the conditions given are added, each as a parameter, so the planner sees a plain predicate and
 * can use the (tenant_id, seq) key or the time and type indexes of migrations/0004.
 */
export async function selectEvents(tx: Tx, tenantId: string, q: EventQuery): Promise<AuditRecord[]> {
  const values: unknown[] = [tenantId]
  const where = ['tenant_id = $1']
  const add = (sql: string, value: unknown) => {
    values.push(value)
    where.push(sql.replace('?', `$${values.length}`))
  }
  if (q.from) add('occurred_at >= ?::timestamptz', q.from.toISOString())
  if (q.to) add('occurred_at < ?::timestamptz', q.to.toISOString())
  if (q.type !== undefined) add('type = ?', q.type)
  if (q.afterSeq !== undefined) add('seq > ?', q.afterSeq)
  if (q.beforeSeq !== undefined) add('seq < ?', q.beforeSeq)
  values.push(q.limit)
  const { rows } = await tx.query<{
    seq: string; occurred_at: Date; type: string; actor: string; outcome: string; data: Record<string, AuditValue>
  }>(
    `SELECT seq, occurred_at, type, actor, outcome, data FROM audit_log
      WHERE ${where.join(' AND ')} ORDER BY seq ${q.order === 'asc' ? 'ASC' : 'DESC'} LIMIT $${values.length}`,
    values,
  )
  return rows.map((r) => ({
    seq: Number(r.seq), occurredAt: r.occurred_at, type: r.type, actor: r.actor, outcome: r.outcome, data: r.data,
  }))
}
