import type JSZip from 'jszip'
import { Parser } from 'htmlparser2'
import { BadRequestError } from '../../server/errors.ts'
import { MAX_MARKUP_DEPTH } from './types.ts'

/** The parts mammoth turns into text. */
const TEXT_PARTS = ['word/document.xml', 'word/footnotes.xml', 'word/endnotes.xml']
const FALSE_VALUES = new Set(['false', '0', 'off'])

/**
 * Removes runs that Word does not display (run properties with <w:vanish/>) from the text parts of a DOCX, in place,
 * and returns how many were removed. mammoth ignores w:vanish and would otherwise index text the author's readers
 * never saw, a known carrier for planted instructions.
 *
 * Matching is by local name, so a run cannot escape by binding the WordprocessingML namespace to another prefix.
 * Not covered: hiding through a character or paragraph style defined in styles.xml, and white or 1-pt text.
 */
export async function removeHiddenRuns(zip: JSZip): Promise<number> {
  let removed = 0
  for (const name of TEXT_PARTS) {
    const part = zip.file(name)
    if (!part) continue
    const result = stripVanishedRuns(await part.async('string'))
    if (result.removed > 0) {
      zip.file(name, result.xml)
      removed += result.removed
    }
  }
  return removed
}

export function stripVanishedRuns(xml: string): { xml: string; removed: number } {
  const ranges: Array<[number, number]> = []
  const stack: string[] = []
  const runs: Array<{ start: number; hidden: boolean }> = []
  const parser: Parser = new Parser({
    onopentag(name, attribs) {
      if (stack.length >= MAX_MARKUP_DEPTH) {
        throw new BadRequestError('unsupported_format', `XML nested deeper than ${MAX_MARKUP_DEPTH} levels is not supported`)
      }
      const local = localName(name)
      if (local === 'r') runs.push({ start: parser.startIndex, hidden: false })
      if (local === 'vanish' && localName(stack.at(-1) ?? '') === 'rPr' && localName(stack.at(-2) ?? '') === 'r') {
        const val = Object.entries(attribs).find(([key]) => localName(key) === 'val')?.[1]
        if (val === undefined || !FALSE_VALUES.has(val.trim().toLowerCase())) runs.at(-1)!.hidden = true
      }
      stack.push(name)
    },
    onclosetag(name) {
      stack.pop()
      if (localName(name) !== 'r') return
      const run = runs.pop()
      if (run?.hidden) ranges.push([run.start, parser.endIndex + 1])
    },
  }, { xmlMode: true, decodeEntities: true })
  parser.write(xml)
  parser.end()
  if (ranges.length === 0) return { xml, removed: 0 }

  // A hidden run nested in another hidden run (not valid WordprocessingML, but possible) is covered by the outer one.
  ranges.sort((a, b) => a[0] - b[0])
  let out = ''
  let at = 0
  let removed = 0
  for (const [start, end] of ranges) {
    if (start < at) continue
    out += xml.slice(at, start)
    at = end
    removed++
  }
  return { xml: out + xml.slice(at), removed }
}

function localName(name: string): string {
  const colon = name.indexOf(':')
  return colon < 0 ? name : name.slice(colon + 1)
}
