import type { Finding } from './finding.ts'

/** Result of redaction with a way back, for the one user the values came from. */
export interface RedactionWithMap {
  text: string
  /**
   * Puts the original values back where `s` contains this redaction's placeholders. Only for output shown to the
   * user who supplied the values (the chat guard restores the user's own PII in the answer); never for anything
   * stored, logged or shown to someone else.
   */
  restore: (s: string) => string
}

interface Span {
  type: string
  start: number
  end: number
}

/**
 * Merges overlapping (or touching-inside) spans into one; the merged span takes the type of its longest member,
 * so a key that secretlint and the entropy detector both cover becomes one placeholder.
 */
function mergeSpans(text: string, findings: Finding[]): Span[] {
  const clamped = findings
    .map((f) => ({ type: f.type, start: Math.max(0, f.start), end: Math.min(text.length, f.end), len: f.end - f.start }))
    .filter((f) => f.end > f.start)
    .sort((a, b) => a.start - b.start || b.end - a.end)
  const out: (Span & { len: number })[] = []
  for (const f of clamped) {
    const last = out[out.length - 1]
    if (last && f.start < last.end) {
      if (f.len > last.len) {
        last.type = f.type
        last.len = f.len
      }
      last.end = Math.max(last.end, f.end)
    } else {
      out.push({ ...f })
    }
  }
  return out.map(({ type, start, end }) => ({ type, start, end }))
}

const PLACEHOLDER = /\[([A-Z][A-Z0-9_]*)_(\d+)\]/g
const safeType = (type: string) => type.toUpperCase().replace(/[^A-Z0-9_]/g, '_') || 'REDACTED'

/**
 * Replaces each finding with a typed placeholder such as `[EMAIL_1]`. The same value gets the same number within
 * one text, so a model can still tell that two mentions are one person. Numbers already present in the input as
 * literal placeholders are skipped, so `restore` can never turn the user's own "[EMAIL_1]" into someone's address.
 */
export function redactWithMap(text: string, findings: Finding[]): RedactionWithMap {
  const spans = mergeSpans(text, findings)
  const taken = new Set<string>()
  for (const m of text.matchAll(PLACEHOLDER)) taken.add(m[0])
  const byValue = new Map<string, string>()
  const values = new Map<string, string>()
  const next = new Map<string, number>()
  let out = ''
  let cursor = 0
  for (const s of spans) {
    const type = safeType(s.type)
    const value = text.slice(s.start, s.end)
    const key = `${type}\u0000${value}`
    let placeholder = byValue.get(key)
    if (placeholder === undefined) {
      let n = next.get(type) ?? 1
      while (taken.has(`[${type}_${n}]`)) n++
      placeholder = `[${type}_${n}]`
      next.set(type, n + 1)
      taken.add(placeholder)
      byValue.set(key, placeholder)
      values.set(placeholder, value)
    }
    out += text.slice(cursor, s.start) + placeholder
    cursor = s.end
  }
  out += text.slice(cursor)
  const restore = (s: string) => s.replace(PLACEHOLDER, (whole) => values.get(whole) ?? whole)
  return { text: out, restore }
}

/** Replaces each finding with a typed placeholder; see redactWithMap. */
export function redact(text: string, findings: Finding[]): string {
  return redactWithMap(text, findings).text
}
