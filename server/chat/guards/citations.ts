const MARKER = /\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]/g
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi

export const REFERENCE_REMOVED = '[reference removed]'

/**
 * Keeps only citations of passages the model was actually given. `[n]` markers (also `[1, 3]`) outside 1..count
 * are dropped, and chunk or document ids that are not in the permitted set are replaced, so a model cannot point
 * the user at (or make the API cite) a chunk the user may not see. Returns the valid passage numbers in order of
 * first appearance: the only source of the response's citations.
 */
export function checkCitations(text: string, passageCount: number, permittedIds: ReadonlySet<string>) {
  let foreign = 0
  const cited: number[] = []
  let t = text.replace(MARKER, (_whole, list: string) => {
    const numbers = list.split(/\s*[,;]\s*/).map(Number)
    const valid = numbers.filter((n) => Number.isInteger(n) && n >= 1 && n <= passageCount)
    foreign += numbers.length - valid.length
    for (const n of valid) if (!cited.includes(n)) cited.push(n)
    return valid.length ? `[${valid.join(', ')}]` : ''
  })
  t = t.replace(UUID, (id: string) => (permittedIds.has(id.toLowerCase()) ? id : (foreign++, REFERENCE_REMOVED)))
  return { text: t, foreign, cited }
}
