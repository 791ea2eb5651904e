import { BadRequestError } from '../../server/errors.ts'
import { decodeUtf8, detectFormat } from './detect.ts'
import { normalizeText } from './normalize.ts'
import { parseCsv } from './parse-csv.ts'
import { parseDocx } from './parse-docx.ts'
import { parseHtml } from './parse-html.ts'
import { parseJson } from './parse-json.ts'
import { parsePdf } from './parse-pdf.ts'
import { parseMarkdown, parseText } from './parse-text.ts'
import type { DocumentFormat, ParsedDocument, ParseLimits, Section } from './types.ts'

export { DEFAULT_PARSE_LIMITS } from './types.ts'
export type { DocumentFormat, ParsedDocument, ParseLimits, Section } from './types.ts'

const MAX_TITLE_CHARS = 300

export interface ParseOptions {
  /** Used only to break ties between text formats and as a fallback title. */
  fileName?: string
  limits: ParseLimits
}

/**
 * Load and normalize one uploaded document: size check, format detection from content, the format's parser, then
 * text normalization and the character limit. Every failure is a BadRequestError with a stable code
 * (unsupported_format, file_too_large, too_many_pages, text_too_long, encrypted_document, corrupt_document,
 * zip_bomb_suspected, archive_too_large, invalid_encoding, empty_document).
 *
 * Parsing is CPU-bound on the calling thread; callers that need a wall-clock bound should run it in a worker.
 */
export async function parseDocument(bytes: Buffer, opts: ParseOptions): Promise<ParsedDocument> {
  const { limits } = opts
  if (bytes.length > limits.maxBytes) {
    throw new BadRequestError('file_too_large', `the file is larger than ${limits.maxBytes} bytes`)
  }
  if (bytes.length === 0) throw new BadRequestError('empty_document', 'the file is empty')
  const format = await detectFormat(bytes, opts.fileName)
  const parsed = await parseAs(format, bytes, limits)

  const sections: Section[] = []
  let chars = 0
  for (const section of parsed.sections) {
    const text = normalizeText(section.text)
    if (text === '') continue
    chars += text.length
    if (chars > limits.maxTextChars) {
      throw new BadRequestError('text_too_long', `the document has more than ${limits.maxTextChars} characters`)
    }
    const headingPath = section.headingPath.map((h) => normalizeText(h).replace(/\s+/g, ' ')).filter((h) => h !== '')
    sections.push(section.page === undefined ? { text, headingPath } : { text, headingPath, page: section.page })
  }
  if (sections.length === 0) throw new BadRequestError('empty_document', 'the document contains no text')

  const doc: ParsedDocument = { format, sections, hiddenTextRemoved: parsed.hiddenTextRemoved }
  const title = normalizeText(parsed.title ?? titleFromFileName(opts.fileName) ?? '').replace(/\s+/g, ' ')
  if (title !== '') doc.title = title.slice(0, MAX_TITLE_CHARS)
  return doc
}

interface FormatResult {
  title?: string
  sections: Section[]
  hiddenTextRemoved: number
}

async function parseAs(format: DocumentFormat, bytes: Buffer, limits: ParseLimits): Promise<FormatResult> {
  switch (format) {
    case 'pdf':
      return parsePdf(bytes, limits)
    case 'docx':
      return parseDocx(bytes, limits)
    case 'html':
      return parseHtml(decodeUtf8(bytes))
    case 'markdown':
      return parseMarkdown(decodeUtf8(bytes))
    case 'text':
      return parseText(decodeUtf8(bytes))
    case 'csv':
      return parseCsv(decodeUtf8(bytes), limits.maxTextChars)
    case 'json':
      return parseJson(decodeUtf8(bytes), limits.maxTextChars)
  }
}

function titleFromFileName(fileName: string | undefined): string | undefined {
  if (fileName === undefined) return undefined
  const base = fileName.split(/[\\/]/).pop() ?? ''
  return base.replace(/\.[A-Za-z0-9]{1,8}$/, '').replace(/[_-]+/g, ' ').trim() || undefined
}
