import type { Section } from './types.ts'

export interface TextParseResult {
  title?: string
  sections: Section[]
  hiddenTextRemoved: number
}

const ATX = /^ {0,3}(#{1,6})(?:[ \t]|$)/
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/
const FENCE = /^ {0,3}(`{3,}|~{3,})/

/** Plain text is one section; there is no structure to recover. */
export function parseText(text: string): TextParseResult {
  return { sections: [{ text, headingPath: [] }], hiddenTextRemoved: 0 }
}

/**
 * Splits Markdown into sections at ATX (`# Title`) and setext (underlined) headings, ignoring anything inside fenced
 * code. HTML comments outside code are removed and counted: they do not render, which makes them a hiding place for
 * planted instructions. Raw HTML blocks are kept as text (the scanner still sees them).
 */
export function parseMarkdown(markdown: string): TextParseResult {
  const sections: Section[] = []
  const headings: Array<{ level: number; text: string }> = []
  let lines: string[] = []
  let fence: string | undefined
  const comment: CommentState = { open: false, hasText: false }
  let hiddenTextRemoved = 0
  let title: string | undefined

  const flush = () => {
    const text = lines.join('\n')
    if (text.trim() !== '') sections.push({ text, headingPath: headings.map((h) => h.text) })
    lines = []
  }
  const openHeading = (level: number, text: string) => {
    flush()
    if (text === '') return
    if (level === 1) title ??= text
    while (headings.length > 0 && headings.at(-1)!.level >= level) headings.pop()
    headings.push({ level, text })
  }

  for (const rawLine of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    if (fence !== undefined) {
      if (rawLine.trimStart().startsWith(fence)) fence = undefined
      lines.push(rawLine)
      continue
    }
    const wasInComment = comment.open
    const { text: line, removed } = stripComments(rawLine, comment)
    hiddenTextRemoved += removed
    if ((wasInComment || removed > 0 || comment.open) && line.trim() === '') continue

    const fenceMatch = FENCE.exec(line)
    if (fenceMatch) {
      fence = fenceMatch[1]![0]!.repeat(fenceMatch[1]!.length)
      lines.push(line)
      continue
    }
    const atx = ATX.exec(line)
    if (atx) {
      openHeading(atx[1]!.length, headingText(line.slice(atx[0].length)))
      continue
    }
    const setext = SETEXT.exec(line)
    const previous = lines.at(-1)
    if (setext && previous !== undefined && previous.trim() !== '' && !/^\s*([-*+]|\d+[.)])\s/.test(previous)) {
      lines.pop()
      openHeading(setext[1]![0] === '=' ? 1 : 2, previous.trim())
      continue
    }
    lines.push(line)
  }
  flush()
  // An unterminated comment runs to the end of the document and hides all of it.
  if (comment.open && comment.hasText) hiddenTextRemoved++
  const result: TextParseResult = { sections, hiddenTextRemoved }
  if (title !== undefined) result.title = title
  return result
}

/** Heading text without the optional closing run of '#'; string operations, as regexes here backtrack badly. */
function headingText(rest: string): string {
  const text = rest.trim()
  let end = text.length
  while (end > 0 && text[end - 1] === '#') end--
  if (end === 0) return ''
  return end < text.length && /\s/.test(text[end - 1]!) ? text.slice(0, end).trim() : text
}

interface CommentState {
  open: boolean
  hasText: boolean
}

/** Removes `<!-- ... -->` spans from one line; `state` carries an unterminated comment over to the next lines. */
function stripComments(line: string, state: CommentState): { text: string; removed: number } {
  let text = ''
  let removed = 0
  let at = 0
  while (at < line.length) {
    if (state.open) {
      const close = line.indexOf('-->', at)
      state.hasText ||= line.slice(at, close < 0 ? line.length : close).trim() !== ''
      if (close < 0) break
      if (state.hasText) removed++
      state.open = false
      state.hasText = false
      at = close + 3
    } else {
      const open = line.indexOf('<!--', at)
      if (open < 0) {
        text += line.slice(at)
        break
      }
      text += line.slice(at, open)
      state.open = true
      at = open + 4
    }
  }
  return { text, removed }
}
