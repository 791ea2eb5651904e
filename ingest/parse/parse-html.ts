import { Parser } from 'htmlparser2'
import { isHiddenElement } from './html-visibility.ts'
import { BadRequestError } from '../../server/errors.ts'
import { MAX_MARKUP_DEPTH, type Section } from './types.ts'

export interface HtmlParseResult {
  title?: string
  sections: Section[]
  hiddenTextRemoved: number
}

/**
 * Elements whose content is never document text. Nothing in <head> is text except <title>, which is read as the title
 * and kept out of the body; the head element itself is not skipped, because htmlparser2 does not always close an
 * unterminated <head> the way browsers do, and skipping it would silently drop the whole body.
 */
const DROPPED = new Set(['script', 'style', 'noscript', 'template', 'title', 'iframe', 'object', 'applet', 'embed'])
const PARAGRAPH = new Set(['p', 'blockquote', 'pre', 'table', 'ul', 'ol', 'dl', 'figure', 'section', 'article',
  'aside', 'header', 'footer', 'main', 'nav', 'form', 'fieldset', 'address', 'details', 'hr'])
const LINE = new Set(['br', 'div', 'li', 'dt', 'dd', 'tr', 'caption', 'figcaption', 'summary', 'legend', 'option',
  'label', 'thead', 'tbody', 'tfoot', 'body', 'html'])
const SEPARATOR_RANK = { '': 0, ' | ': 1, '\n': 2, '\n\n': 3 } as const
const PREFORMATTED = new Set(['pre', 'textarea', 'listing', 'plaintext'])

/**
 * Extracts readable text from HTML: scripts, styles, embedded frames and hidden elements are dropped (hidden ones and
 * comments with text are counted), h1..h6 open new sections with a heading path, block elements become line breaks,
 * and entities are decoded by htmlparser2. Works on a tag stack with a depth cap (MAX_MARKUP_DEPTH).
 */
export function parseHtml(html: string): HtmlParseResult {
  const sections: Section[] = []
  const headings: Array<{ level: number; text: string }> = []
  const stack: boolean[] = [] // per open element: does it hide its subtree?
  let skipping = 0
  let preformatted = 0
  let svgDepth = 0 // an SVG <title> is a tooltip, not the document title
  let hiddenTextRemoved = 0
  let title: string | undefined
  let firstH1: string | undefined
  let titleBuffer: string | undefined
  let heading: { level: number; text: string } | undefined
  let parts: string[] = []
  // The separator owed before the next visible text; owing it (instead of writing it) keeps adjacent block
  // boundaries from stacking up blank lines. Ranked: paragraph break > line break > cell separator.
  let owed: '' | ' | ' | '\n' | '\n\n' = ''

  const emit = (text: string) => {
    if (heading) {
      heading.text += text
      return
    }
    if (text.trim() === '' && preformatted === 0) {
      if (owed === '' && parts.length > 0) parts.push(text)
      return
    }
    if (owed !== '' && parts.length > 0) parts.push(owed)
    owed = ''
    parts.push(text)
  }
  const owe = (separator: ' | ' | '\n' | '\n\n') => {
    if (SEPARATOR_RANK[separator] > SEPARATOR_RANK[owed]) owed = separator
  }
  const flush = () => {
    const text = parts.join('')
    if (text.trim() !== '') sections.push({ text, headingPath: headings.map((h) => h.text) })
    parts = []
    owed = ''
  }

  const parser = new Parser({
    onopentag(name, attribs) {
      if (name === 'svg') svgDepth++
      if (name === 'title' && skipping === 0 && svgDepth === 0 && title === undefined) titleBuffer = ''
      if (stack.length >= MAX_MARKUP_DEPTH) {
        // Thrown from the callback, this aborts parser.write before the quadratic cost builds up.
        throw new BadRequestError('unsupported_format', `HTML nested deeper than ${MAX_MARKUP_DEPTH} levels is not supported`)
      }
      const hidden = isHiddenElement(name, attribs)
      const skip = hidden || DROPPED.has(name)
      if (hidden && skipping === 0) hiddenTextRemoved++
      stack.push(skip)
      if (skip) skipping++
      if (skipping > 0) return
      if (PREFORMATTED.has(name)) preformatted++
      const level = headingLevel(name)
      if (level !== undefined) {
        flush()
        heading = { level, text: '' }
      } else if (name === 'td' || name === 'th') {
        owe(' | ')
      } else {
        breakFor(name)
      }
    },
    ontext(data) {
      if (titleBuffer !== undefined) titleBuffer += data
      if (skipping > 0) return
      emit(preformatted > 0 ? data : data.replace(/\s+/g, ' '))
    },
    oncomment(data) {
      if (skipping === 0 && data.trim() !== '') hiddenTextRemoved++
    },
    onclosetag(name) {
      if (name === 'svg' && svgDepth > 0) svgDepth--
      if (name === 'title' && titleBuffer !== undefined) {
        title = collapse(titleBuffer) || undefined
        titleBuffer = undefined
      }
      const skip = stack.pop()
      if (skip) {
        skipping--
        return
      }
      if (skipping > 0) return
      if (PREFORMATTED.has(name)) preformatted--
      const level = headingLevel(name)
      if (level !== undefined && heading) {
        const text = collapse(heading.text)
        heading = undefined
        if (text === '') return
        if (level === 1) firstH1 ??= text
        while (headings.length > 0 && headings.at(-1)!.level >= level) headings.pop()
        headings.push({ level, text })
      } else {
        breakFor(name)
      }
    },
  }, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true })

  function breakFor(name: string): void {
    if (PARAGRAPH.has(name)) owe('\n\n')
    else if (LINE.has(name)) owe('\n')
  }

  parser.write(html)
  parser.end()
  flush()
  const result: HtmlParseResult = { sections, hiddenTextRemoved }
  const chosen = title ?? firstH1
  if (chosen !== undefined) result.title = chosen
  return result
}

function headingLevel(name: string): number | undefined {
  return /^h[1-6]$/.test(name) ? Number(name[1]) : undefined
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
