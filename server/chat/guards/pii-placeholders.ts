import { findPii } from '../../scan/pii.ts'
import { redactWithMap } from '../../scan/redact.ts'

const SEPARATOR = '\u0000'

/**
 * Replaces personal data in several texts (earlier turns and the new message) with typed placeholders drawn from
 * one map, so [EMAIL_1] means the same address in every turn the provider sees. `restore` puts the values back
 * and is applied only to the answer shown to the same user, never to anything stored for someone else or logged.
 */
export function withPlaceholders(texts: readonly string[]): { texts: string[]; restore: (s: string) => string; count: number } {
  const joined = texts.map((t) => t.replaceAll(SEPARATOR, ' ')).join(SEPARATOR)
  const findings = findPii(joined)
  if (findings.length === 0) return { texts: [...texts], restore: (s) => s, count: 0 }
  const { text, restore } = redactWithMap(joined, findings)
  return { texts: text.split(SEPARATOR), restore, count: findings.length }
}
