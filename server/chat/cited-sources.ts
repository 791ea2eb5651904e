import type { StoredCitation } from '../transcripts/index.ts'
import type { PromptPassage } from './passages.ts'

/** Longest stored snippet, in characters (code points): enough to recognise the passage in the sources list. */
export const SNIPPET_CHARS = 300

/** The start of a passage, whitespace collapsed, cut at a word boundary and never inside a surrogate pair. */
export function snippetOf(text: string): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim())
  if (chars.length <= SNIPPET_CHARS) return chars.join('')
  const head = chars.slice(0, SNIPPET_CHARS).join('')
  const cut = head.lastIndexOf(' ')
  return `${cut > SNIPPET_CHARS / 2 ? head.slice(0, cut) : head} …`
}

/**
 * The response's citations from the guard's `cited` passage numbers, in that order: citation k is what marker `[k]`
 * of the guarded answer refers to. A number outside the passages is an invariant broken upstream (the guard only
 * keeps 1..count), and dropping it would shift every later citation, so it throws instead.
 */
export function citedSources(cited: readonly number[], passages: readonly PromptPassage[]): { sources: PromptPassage[]; citations: StoredCitation[] } {
  const sources = cited.map((n) => {
    const p = passages[n - 1]
    if (!p) throw new RangeError('cited passage number outside the passages given to the model')
    return p
  })
  const citations = sources.map((p) => ({
    documentId: p.documentId, chunkId: p.chunkId, title: p.title, classification: p.classification, page: p.page,
    snippet: snippetOf(p.text),
  }))
  return { sources, citations }
}
