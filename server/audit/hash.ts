import { createHash } from 'node:crypto'
import type { AuditValue } from './event.ts'

/** prev_hash of the first entry of every chain. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32)

/** The fields an entry's hash covers: everything stored except the hashes themselves. */
export interface HashedEntry {
  tenantId: string
  seq: number
  /** ISO 8601 UTC with millisecond precision, as Date#toISOString() writes it. */
  occurredAt: string
  type: string
  actor: string
  outcome: string
  data: Record<string, AuditValue>
}

/**
 * `sha256(prevHash || canonicalJson(entry))`. The tenant and sequence number are inside the hash, so an entry
 * copied to another chain or another position no longer matches its hash.
 */
export function entryHash(prevHash: Buffer, entry: HashedEntry): Buffer {
  const fields = {
    tenantId: entry.tenantId,
    seq: entry.seq,
    occurredAt: entry.occurredAt,
    type: entry.type,
    actor: entry.actor,
    outcome: entry.outcome,
    data: entry.data,
  }
  return createHash('sha256').update(prevHash).update(canonicalJson(fields), 'utf8').digest()
}

/** True when `hash` is the entry's hash; false also when tampered content cannot be hashed at all (1e400 in jsonb). */
export function hashMatches(prevHash: Buffer, entry: HashedEntry, hash: Buffer): boolean {
  try {
    return entryHash(prevHash, entry).equals(hash)
  } catch {
    return false
  }
}

/**
 * Canonical JSON in the manner of RFC 8785 (JCS): object keys sorted by UTF-16 code units, no whitespace, numbers
 * in ECMAScript shortest round-trip form (-0 as 0), strings escaped as JSON.stringify does. The same value always
 * gives the same text, whatever the key order it was built or read back (jsonb reorders keys) with.
 * Throws on values JSON cannot represent exactly (undefined, NaN, Infinity, bigint, functions, class instances).
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null'
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON: non-finite number')
      return JSON.stringify(value)
    case 'string':
      return JSON.stringify(value)
    case 'object':
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
      if (!isPlainObject(value)) throw new TypeError('canonical JSON: not a plain object')
      return `{${Object.keys(value)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
        .join(',')}}`
    default:
      throw new TypeError(`canonical JSON: unsupported ${typeof value}`)
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
