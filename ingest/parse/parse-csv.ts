import { parse } from 'csv-parse/sync'
import { BadRequestError } from '../../server/errors.ts'
import { sniffDelimiter } from './csv-sniff.ts'
import type { Section } from './types.ts'

/** Data rows rendered into one section; the chunker may split a section further but never joins two. */
export const CSV_ROWS_PER_SECTION = 50
/** More data rows than this is a data set, not a document; it is rejected rather than silently truncated. */
export const MAX_CSV_ROWS = 100_000

/**
 * CSV to sections of "header: value; header: value" lines, so each chunk carries its column names. The first
 * record is the header. `maxChars` bounds the rendered text while it is built, because repeating long headers on
 * every row can make the output far larger than the input.
 */
export function parseCsv(text: string, maxChars: number): { sections: Section[]; hiddenTextRemoved: number } {
  let records: string[][]
  try {
    records = parse(text, {
      delimiter: sniffDelimiter(text) ?? ',',
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      to: MAX_CSV_ROWS + 2,
    })
  } catch (err) {
    // csv-parse messages quote field values, which are document content: keep only its error code.
    const code = (err as { code?: unknown }).code
    throw new BadRequestError('corrupt_document', `the CSV is malformed (${typeof code === 'string' ? code : 'parse error'})`, err)
  }
  if (records.length > MAX_CSV_ROWS + 1) {
    throw new BadRequestError('text_too_long', `the CSV has more than ${MAX_CSV_ROWS} rows`)
  }
  const [header = [], ...rows] = records
  const names = header.map((name, i) => oneLine(name) || `column ${i + 1}`)
  if (rows.length === 0) {
    return { sections: [{ text: `Columns: ${names.join('; ')}`, headingPath: [] }], hiddenTextRemoved: 0 }
  }

  const sections: Section[] = []
  let lines: string[] = []
  let chars = 0
  for (const row of rows) {
    const line = row
      .map((value, i) => [names[i] ?? `column ${i + 1}`, oneLine(value)] as const)
      .filter(([, value]) => value !== '')
      .map(([name, value]) => `${name}: ${value}`)
      .join('; ')
    chars += line.length + 1
    if (chars > maxChars) {
      throw new BadRequestError('text_too_long', `the document has more than ${maxChars} characters`)
    }
    if (line !== '') lines.push(line)
    if (lines.length === CSV_ROWS_PER_SECTION) {
      sections.push({ text: lines.join('\n'), headingPath: [] })
      lines = []
    }
  }
  if (lines.length > 0) sections.push({ text: lines.join('\n'), headingPath: [] })
  return { sections, hiddenTextRemoved: 0 }
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim()
}
