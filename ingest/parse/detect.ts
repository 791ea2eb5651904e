import { fileTypeFromBuffer } from 'file-type'
import { BadRequestError } from '../../server/errors.ts'
import { sniffDelimiter } from './csv-sniff.ts'
import type { DocumentFormat } from './types.ts'

type TextFormat = Exclude<DocumentFormat, 'pdf' | 'docx'>

const EXTENSION_HINTS: Record<string, TextFormat> = {
  md: 'markdown', markdown: 'markdown', txt: 'text', text: 'text', csv: 'csv', tsv: 'csv',
  htm: 'html', html: 'html', json: 'json',
}

const HTML_DOCUMENT_START = /^<(?:!doctype\s+html|html|head|body)\b/i
const HTML_TAG = /<\/?(?:html|head|body|title|meta|p|div|span|a|br|hr|img|table|tr|td|th|ul|ol|li|h[1-6]|section|article|header|footer|nav|main|script|style|form|input|iframe|blockquote|pre|strong|em|b|i)\b[^<>]{0,500}>/gi
// Patterns run on a prefix, and their repetitions are bounded, so sniffing stays linear on hostile input.
const SNIFF_CHARS = 64 * 1024
const MARKDOWN_PATTERNS = [
  /^#{1,6}[ \t]+\S/m, // ATX heading
  /^[ \t]*[-*+][ \t]+\S/m, // bullet list
  /^[ \t]*\d+[.)][ \t]+\S/m, // ordered list
  /\[[^\]\n]{1,500}\]\([^)\s]{1,500}\)/, // link or image
  /^(?:```|~~~)/m, // fenced code
  /^>[ \t]?\S/m, // block quote
  /^\|?[ \t]*:?-{3,}:?[ \t]*\|/m, // table separator row
  /\*\*[^*\n]+\*\*|__[^_\n]+__/, // strong emphasis
]

/**
 * Decides the format from the bytes. Binary formats come from magic numbers (file-type); text must be valid UTF-8 and
 * is sniffed (JSON parses, HTML has tags, CSV has a consistent delimiter, Markdown has structure). The file name only
 * breaks ties between text formats, so a PDF or an HTML page with a misleading extension is still parsed as what it
 * is, and anything unrecognized is rejected rather than indexed as text.
 *
 * Async because file-type's detector is.
 */
export async function detectFormat(bytes: Buffer, fileName?: string): Promise<DocumentFormat> {
  const sniffed = await fileTypeFromBuffer(bytes)
  if (sniffed?.ext === 'pdf') return 'pdf'
  if (sniffed?.ext === 'docx') return 'docx'
  // file-type reports some text formats (XML, SVG); anything else it recognizes is a binary format we do not accept.
  if (sniffed && !sniffed.mime.startsWith('text/') && !sniffed.mime.endsWith('xml')) {
    throw new BadRequestError('unsupported_format', `files of type ${sniffed.mime} are not supported`)
  }
  return detectTextFormat(decodeUtf8(bytes), extensionHint(fileName))
}

/** Decodes strict UTF-8 (a BOM is dropped); invalid sequences or NUL bytes mean the file is not a text document. */
export function decodeUtf8(bytes: Buffer): string {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    throw new BadRequestError('invalid_encoding', 'text documents must be valid UTF-8')
  }
  if (text.includes('\u0000')) {
    throw new BadRequestError('unsupported_format', 'the file looks binary and its format is not supported')
  }
  return text
}

function detectTextFormat(text: string, hint: TextFormat | undefined): TextFormat {
  const trimmed = text.trim()
  if (trimmed === '') throw new BadRequestError('empty_document', 'the document contains no text')
  if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && parsesAsJson(trimmed)) return 'json'
  if (startsAsHtmlDocument(trimmed)) return 'html'

  const sample = trimmed.slice(0, SNIFF_CHARS)
  const htmlTags = countMatches(sample, HTML_TAG, 3)
  const markdownScore = MARKDOWN_PATTERNS.filter((re) => re.test(sample)).length
  if (trimmed.startsWith('<') && htmlTags >= 2) {
    // An HTML fragment; a Markdown file may open with raw HTML too, and only then does the extension decide.
    return hint === 'markdown' ? 'markdown' : 'html'
  }
  if (markdownScore < 2 && sniffDelimiter(trimmed) !== undefined) {
    return hint === 'text' || hint === 'markdown' ? hint : 'csv'
  }
  if (markdownScore >= 2 || MARKDOWN_PATTERNS[0]!.test(sample)) return hint === 'text' ? 'text' : 'markdown'
  if (hint === 'markdown' || hint === 'csv') return hint
  return 'text'
}

/** True when the text opens with a doctype, html, head or body tag, after an XML declaration and comments. */
function startsAsHtmlDocument(text: string): boolean {
  // A loop rather than one regex: repeated lazy comment groups backtrack exponentially on hostile input.
  let at = /^<\?xml[^<>]{0,500}>/i.exec(text)?.[0].length ?? 0
  for (;;) {
    while (/\s/.test(text[at] ?? '')) at++
    if (!text.startsWith('<!--', at)) break
    const end = text.indexOf('-->', at + 4)
    if (end < 0) return false
    at = end + 3
  }
  return HTML_DOCUMENT_START.test(text.slice(at, at + 32))
}

function extensionHint(fileName: string | undefined): TextFormat | undefined {
  const match = fileName === undefined ? null : /\.([a-z0-9]+)$/i.exec(fileName)
  return match ? EXTENSION_HINTS[match[1]!.toLowerCase()] : undefined
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

function countMatches(text: string, re: RegExp, enough: number): number {
  let n = 0
  re.lastIndex = 0
  while (n < enough && re.exec(text) !== null) n++
  return n
}
