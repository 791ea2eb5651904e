/**
 * A typed span found by a scanner. Offsets are UTF-16 code units into the scanned string, `end` exclusive.
 * A finding never carries the matched value: whatever stores or logs findings can only learn where and what kind.
 */
export interface Finding {
  type: string
  start: number
  end: number
}

/** Orders by start, then longer first, so that containment checks can walk the list once. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => a.start - b.start || b.end - a.end || a.type.localeCompare(b.type))
}

/**
 * Resolves overlaps between findings of different detectors. `rank` gives each type a priority (lower wins); a
 * finding that overlaps a better-ranked one is dropped, so a Luhn-valid card number is not also reported as a phone.
 * Among equal ranks the longer span wins.
 */
export function resolveOverlaps(findings: Finding[], rank: (type: string) => number): Finding[] {
  const byPriority = [...findings].sort(
    (a, b) => rank(a.type) - rank(b.type) || b.end - b.start - (a.end - a.start) || a.start - b.start,
  )
  // Kept spans never overlap, so sorted by start they are sorted by end too: only the last kept span starting
  // before f.end can overlap f, and a binary search finds it (texts can hold tens of thousands of findings).
  const kept: Finding[] = []
  for (const f of byPriority) {
    if (f.end <= f.start) continue
    let lo = 0
    let hi = kept.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((kept[mid] as Finding).start < f.end) lo = mid + 1
      else hi = mid
    }
    const before = kept[lo - 1]
    if (before && before.end > f.start) continue
    kept.splice(lo, 0, f)
  }
  return kept
}

/** Drops exact duplicates and findings wholly inside another finding (any type). */
export function dropContained(findings: Finding[]): Finding[] {
  const kept: Finding[] = []
  let maxEnd = -1
  for (const f of sortFindings(findings)) {
    if (f.end <= f.start || f.end <= maxEnd) continue
    kept.push(f)
    maxEnd = f.end
  }
  return kept
}

/** Counts findings per type: the only thing about findings that is safe to persist. */
export function countByType(findings: Finding[], into: Record<string, number> = {}): Record<string, number> {
  for (const f of findings) into[f.type] = (into[f.type] ?? 0) + 1
  return into
}

/**
 * A global copy of each pattern, made once: building a RegExp from its source on every call cost more than running
 * it on short texts. A copy in use (an `accept` that calls collect with the same pattern) is never shared.
 */
const globalCopies = new WeakMap<RegExp, RegExp>()
const inUse = new WeakSet<RegExp>()
function globalCopy(re: RegExp): RegExp {
  let rx = globalCopies.get(re)
  if (rx === undefined || inUse.has(rx)) {
    const fresh = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g')
    if (rx === undefined) globalCopies.set(re, fresh)
    rx = fresh
  }
  return rx
}

/** Runs a global regex and maps each match through `accept`, which returns a finding or null. */
export function collect(
  text: string,
  re: RegExp,
  accept: (m: RegExpExecArray) => Finding | null,
): Finding[] {
  const out: Finding[] = []
  const rx = globalCopy(re)
  rx.lastIndex = 0
  inUse.add(rx)
  try {
    for (let m = rx.exec(text); m !== null; m = rx.exec(text)) {
      if (m[0].length === 0) {
        rx.lastIndex++
        continue
      }
      const f = accept(m)
      if (f) out.push(f)
    }
  } finally {
    inUse.delete(rx)
    rx.lastIndex = 0
  }
  return out
}
