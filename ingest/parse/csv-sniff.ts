const DELIMITERS = [',', ';', '\t', '|'] as const
const SAMPLE_RECORDS = 50

/**
 * Finds the delimiter that splits every sampled record into the same number (at least two) of fields, honouring
 * double-quoted fields that contain delimiters or newlines. Returns undefined when no delimiter is consistent, which
 * is how detection tells a table from prose. Shared by detection and parsing so both agree on the delimiter.
 */
export function sniffDelimiter(text: string): string | undefined {
  let best: { delimiter: string; fields: number } | undefined
  for (const delimiter of DELIMITERS) {
    const counts = fieldCounts(text, delimiter)
    if (counts === undefined || counts.length < 2) continue
    const fields = counts[0]!
    if (fields < 2 || counts.some((c) => c !== fields)) continue
    if (!best || fields > best.fields) best = { delimiter, fields }
  }
  return best?.delimiter
}

/**
 * Field counts of the first non-empty records, or undefined when quotes are unbalanced or, as soon as it is certain,
 * when the delimiter cannot be consistent (the first record has one field, or a record differs from the first):
 * prose is told from a table after its first lines instead of after fifty records per delimiter.
 */
function fieldCounts(text: string, delimiter: string): number[] | undefined {
  const counts: number[] = []
  let fields = 1
  let inQuotes = false
  let recordHasContent = false
  const inconsistent = () => counts[0] === 1 || (counts.length > 1 && counts[counts.length - 1] !== counts[0])
  for (let i = 0; i < text.length && counts.length < SAMPLE_RECORDS; i++) {
    const c = text[i]
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') i++
        else inQuotes = false
      }
      continue
    }
    if (c === '"') {
      inQuotes = true
      recordHasContent = true
    } else if (c === delimiter) {
      fields++
      recordHasContent = true
    } else if (c === '\n' || c === '\r') {
      if (recordHasContent) {
        counts.push(fields)
        if (inconsistent()) return undefined
      }
      fields = 1
      recordHasContent = false
    } else if (c !== ' ') {
      recordHasContent = true
    }
  }
  if (inQuotes) return undefined
  if (recordHasContent && counts.length < SAMPLE_RECORDS) counts.push(fields)
  return counts
}
