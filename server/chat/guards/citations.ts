/** `[2]`, `[1, 3]`, `[1; 3]`, `[1-3]`, `[1–3]`: passage numbers as the model (or the extractive answerer) writes them. */
const MARKER = /\[(\d{1,3}(?:\s*[-–]\s*\d{1,3})?(?:\s*[,;]\s*\d{1,3}(?:\s*[-–]\s*\d{1,3})?)*)\]/g
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi
/** A range wider than this is not a citation a reader can follow; it counts as foreign. */
const MAX_RANGE = 10

export const REFERENCE_REMOVED = '[reference removed]'

/** The numbers one marker names; an over-wide or reversed range names nothing valid. */
function numbersOf(list: string): number[] {
  return list.split(/\s*[,;]\s*/).flatMap((part) => {
    const [from, to] = part.split(/\s*[-–]\s*/).map(Number) as [number, number | undefined]
    if (to === undefined) return [from]
    if (to < from || to - from >= MAX_RANGE) return [Number.NaN]
    return Array.from({ length: to - from + 1 }, (_, i) => from + i)
  })
}

/**
 * Keeps only citations of passages the model was actually given, and makes the answer's markers and the response's
 * citations one numbering. Markers cite passages by their prompt number; a marker outside 1..count is dropped, and
 * chunk or document ids that are not in the permitted set are replaced, so a model cannot point the user at (or make
 * the API cite) a chunk the user may not see. Each cited passage is then renumbered in order of first use, so marker
 * `[k]` in the returned text refers to `cited[k - 1]`, which is the response's `citations[k - 1]`. Renumbering depends
 * only on the text before a marker, so guarding a prefix of a streamed answer gives a prefix of the final text.
 */
export function checkCitations(text: string, passageCount: number, permittedIds: ReadonlySet<string>) {
  let foreign = 0
  const cited: number[] = []
  let t = text.replace(MARKER, (_whole, list: string) => {
    const numbers = numbersOf(list)
    const valid = numbers.filter((n) => Number.isInteger(n) && n >= 1 && n <= passageCount)
    foreign += numbers.length - valid.length
    const positions: number[] = []
    for (const n of valid) {
      if (!cited.includes(n)) cited.push(n)
      const k = cited.indexOf(n) + 1
      if (!positions.includes(k)) positions.push(k)
    }
    return positions.length ? `[${positions.join(', ')}]` : ''
  })
  t = t.replace(UUID, (id: string) => (permittedIds.has(id.toLowerCase()) ? id : (foreign++, REFERENCE_REMOVED)))
  return { text: t, foreign, cited }
}
