import { findPii } from '../../scan/pii.ts'
import { findSecrets } from '../../scan/secrets.ts'
import type { Finding } from '../../scan/finding.ts'

export const SECRET_REMOVED = '[secret removed]'

/**
 * Personal data the user and the permitted passages already contain: an answer may repeat these. Built lazily, on
 * the first answer that contains personal data at all, because scanning every passage costs more than the rest of
 * the output guard together.
 */
export interface KnownPii {
  has(value: string): boolean
}

/** Case, spaces and separators removed, so "+1 (555) 010-9999" and "15550109999" compare equal. */
function compactValue(value: string): string {
  return value.normalize('NFKC').toLowerCase().replace(/[\s\-().,/\\]+/g, '')
}

export function knownPii(sources: readonly string[]): KnownPii {
  let values: Set<string> | undefined
  let compacted = ''
  return {
    has(value) {
      if (!values) {
        values = new Set()
        for (const s of sources) for (const f of findPii(s)) values.add(compactValue(s.slice(f.start, f.end)))
        // Also the sources compacted, for values a detector splits differently in another context.
        compacted = sources.map(compactValue).join('\u0000')
      }
      const v = compactValue(value)
      return values.has(v) || (v.length > 0 && compacted.includes(v))
    },
  }
}

function replaceSpans(text: string, spans: readonly Finding[], label: (f: Finding) => string): string {
  let out = text
  for (const f of [...spans].sort((a, b) => b.start - a.start)) out = out.slice(0, f.start) + label(f) + out.slice(f.end)
  return out
}

function nonOverlapping(findings: readonly Finding[]): Finding[] {
  const kept: Finding[] = []
  for (const f of [...findings].sort((a, b) => a.start - b.start || b.end - a.end)) {
    const last = kept[kept.length - 1]
    if (last && f.start < last.end) last.end = Math.max(last.end, f.end)
    else kept.push({ ...f })
  }
  return kept
}

/**
 * Removes credentials (always: ingest redacts them from documents and the input guard refuses them, so an answer
 * holding one did not get it from a permitted source) and personal data found in neither the user's message nor
 * the permitted passages (a compromised model's memory of other users, or invented identities).
 */
export async function removeSensitive(text: string, known: KnownPii): Promise<{ text: string; secrets: number; pii: number }> {
  const secrets = nonOverlapping(await findSecrets(text))
  let t = replaceSpans(text, secrets, () => SECRET_REMOVED)
  const foreign = findPii(t).filter((f) => !known.has(t.slice(f.start, f.end)))
  t = replaceSpans(t, nonOverlapping(foreign), (f) => `[${f.type.toLowerCase().replace(/_/g, ' ')} removed]`)
  return { text: t, secrets: secrets.length, pii: foreign.length }
}
