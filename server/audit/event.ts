import { AppError } from '../errors.ts'

/** A value in an audit event's `data`: a structured scalar or a short homogeneous array of scalars. */
export type AuditValue = string | number | boolean | null | string[] | number[]

/**
 * One thing that happened, as the audit log records it. The log is for proving who did what to which object and
 * with which outcome, so it holds identifiers, codes and counts only.
 *
 * Never put prompts, answers, document text, document titles, file names, free-text reasons or any personal data
 * other than the acting user's id into an event: the audit log is retained longer than the data it describes and
 * cannot be edited, so anything written here cannot be erased by a retention rule or a data-subject request.
 * {@link validateAuditEvent} caps sizes and rejects control characters to make dumping text hard, but it cannot
 * tell an id from a name: callers pass ids (document id, key version, rule id, counts, decision codes).
 */
export interface AuditEvent {
  /**
   * Dotted lowercase name: 'auth.login', 'auth.token_rejected', 'retrieval.decision', 'guard.block',
   * 'document.ingest', 'document.replace', 'document.delete', 'document.quarantine', 'document.release',
   * 'key.rotate', 'key.rewrap', 'key.shred', 'retention.update', 'legal_hold.place', 'legal_hold.release',
   * 'purge.run', 'dsr.export', 'dsr.delete', 'conversation.delete', 'admin.action'.
   */
  type: string
  /** The user id, 'system' for the server itself, or 'cli:<name>' for an operator command. */
  actor: string
  outcome: 'success' | 'failure' | 'denied'
  /** Identifiers and counts only: keys /^[a-zA-Z][a-zA-Z0-9_]{0,40}$/, strings <= 200 chars, arrays <= 200 items. */
  data?: Record<string, AuditValue>
}

/** Chains without a tenant (start-up, failed logins before a tenant is known). Tenant ids cannot start with '_'. */
export const SYSTEM_TENANT = '_system'

export const AUDIT_LIMITS = {
  typeLength: 64,
  actorLength: 255,
  keys: 64,
  stringLength: 200,
  arrayItems: 200,
  /** Upper bound of the event's data in canonical JSON, in characters. */
  dataChars: 16_384,
} as const

const TYPE_RE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/
const KEY_RE = /^[a-zA-Z][a-zA-Z0-9_]{0,40}$/
const TENANT_RE = /^(?:_system|[A-Za-z0-9][A-Za-z0-9._-]{0,63})$/
// Control and format characters (line breaks, bidi overrides) and unpaired surrogates: no multi-line or spoofed
// text in an audit viewer, and PostgreSQL's jsonb rejects NUL and lone surrogates anyway.
const UNSAFE_CHARS_RE = /[\p{Cc}\p{Cf}\p{Cs}]/u
const OUTCOMES = new Set(['success', 'failure', 'denied'])

/**
 * Checks an event before it is hashed and stored; throws `audit_event_invalid` (500, not exposed: a bad event is a
 * programming error) naming the field and the rule, never the offending value, which might be the very text that
 * must not be logged.
 */
export function validateAuditEvent(tenantId: string, event: AuditEvent): void {
  if (!TENANT_RE.test(tenantId)) invalid('tenantId', 'is not a tenant id')
  if (typeof event.type !== 'string' || event.type.length > AUDIT_LIMITS.typeLength || !TYPE_RE.test(event.type)) {
    invalid('type', 'must be a dotted lowercase name')
  }
  checkString('actor', event.actor, AUDIT_LIMITS.actorLength)
  if (event.actor.length === 0) invalid('actor', 'is empty')
  if (!OUTCOMES.has(event.outcome)) invalid('outcome', 'must be success, failure or denied')
  if (event.data !== undefined) checkData(event.data)
}

function checkData(data: unknown): void {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) invalid('data', 'must be an object')
  const proto = Object.getPrototypeOf(data)
  if (proto !== Object.prototype && proto !== null) invalid('data', 'must be a plain object')
  const entries = Object.entries(data as Record<string, unknown>)
  if (entries.length > AUDIT_LIMITS.keys) invalid('data', `has more than ${AUDIT_LIMITS.keys} keys`)
  let chars = 2
  for (const [key, value] of entries) {
    if (!KEY_RE.test(key)) invalid('data', 'has a key that is not an identifier')
    chars += key.length + 4 + checkValue(`data.${key}`, value)
  }
  if (chars > AUDIT_LIMITS.dataChars) invalid('data', `exceeds ${AUDIT_LIMITS.dataChars} characters`)
}

/** Returns an upper bound of the value's canonical JSON length. */
function checkValue(field: string, value: unknown): number {
  if (value === null || typeof value === 'boolean') return 5
  if (typeof value === 'number') return checkNumber(field, value)
  if (typeof value === 'string') return checkString(field, value, AUDIT_LIMITS.stringLength)
  if (!Array.isArray(value)) invalid(field, 'must be a string, number, boolean, null or an array of them')
  if (value.length > AUDIT_LIMITS.arrayItems) invalid(field, `has more than ${AUDIT_LIMITS.arrayItems} items`)
  const kind = typeof value[0]
  if (value.length > 0 && kind !== 'string' && kind !== 'number') invalid(field, 'must hold strings or numbers')
  let chars = 2
  for (const item of value) {
    if (typeof item !== kind) invalid(field, 'must hold items of one type')
    chars += 1 + (kind === 'string' ? checkString(field, item, AUDIT_LIMITS.stringLength) : checkNumber(field, item))
  }
  return chars
}

function checkNumber(field: string, value: number): number {
  if (!Number.isFinite(value)) invalid(field, 'must be a finite number')
  return JSON.stringify(value).length
}

function checkString(field: string, value: unknown, max: number): number {
  if (typeof value !== 'string') invalid(field, 'must be a string')
  if (value.length > max) invalid(field, `is longer than ${max} characters`)
  if (UNSAFE_CHARS_RE.test(value)) invalid(field, 'contains control or format characters')
  return JSON.stringify(value).length
}

function invalid(field: string, rule: string): never {
  throw new AppError('audit_event_invalid', `audit event ${field} ${rule}`, { status: 500, expose: false })
}
