/**
 * Finding counts by type, the only form in which findings are stored (documents.findings), returned and audited:
 * a count says a document holds e-mail addresses without saying which.
 */
export type FindingCounts = Record<string, number>

/** Finding types the pipeline adds to the scanner's own. */
export const PROMPT_INJECTION = 'PROMPT_INJECTION'
export const HIDDEN_TEXT = 'HIDDEN_TEXT'

// Finding types come from our scanners, but they become JSON keys and audit values: keep them to a boring alphabet.
const TYPE = /^[A-Za-z][A-Za-z0-9_]{0,40}$/

export function addCount(into: FindingCounts, type: string, n: number): FindingCounts {
  if (n <= 0) return into
  const key = TYPE.test(type) ? type : 'OTHER'
  into[key] = (into[key] ?? 0) + n
  return into
}

export function mergeCounts(into: FindingCounts, from: Readonly<FindingCounts>): FindingCounts {
  for (const [type, n] of Object.entries(from)) addCount(into, type, n)
  return into
}

export function totalFindings(counts: Readonly<FindingCounts>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0)
}

/** Sorted keys with zero counts dropped, so equal findings always serialize alike. */
export function sortedCounts(counts: Readonly<FindingCounts>): FindingCounts {
  const out: FindingCounts = {}
  for (const type of Object.keys(counts).sort()) if ((counts[type] ?? 0) > 0) out[type] = counts[type] as number
  return out
}

/** Audit-event form: two parallel arrays (audit data values are scalars or flat arrays). */
export function findingsAudit(counts: Readonly<FindingCounts>): { findingTypes: string[]; findingCounts: number[] } {
  const sorted = sortedCounts(counts)
  return { findingTypes: Object.keys(sorted), findingCounts: Object.values(sorted) }
}
