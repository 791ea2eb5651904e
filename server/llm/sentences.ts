const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' })

// ICU's sentence rules (without locale suppressions, which V8 does not expose) break after every "Dr." or "e.g."
// followed by a capital. These abbreviations never end a sentence in practice, so a break after them is undone.
const ALWAYS_CONTINUES = new Set(['mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'vs', 'fig', 'e.g', 'i.e', 'cf'])
// These can end a sentence, so the break is undone only when the next part starts in lower case or with a digit.
const CONTINUES_BEFORE_LOWER = new Set([
  'no', 'nos', 'art', 'sec', 'para', 'approx', 'dept', 'ref', 'vol', 'pp', 'etc', 'inc', 'ltd', 'co', 'corp', 'al',
  'a.m', 'p.m', 'u.s', 'u.k', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
])
const LAST_TOKEN = /(?:^|[\s(["'])([\p{L}.]+)\.\s*$/u
const STARTS_LOWER_OR_DIGIT = /^\s*[\p{Ll}\p{N}]/u

/** Longest quoted sentence; longer runs (tables, run-on text) are cut at a word boundary and end in an ellipsis. */
export const MAX_SENTENCE_CHARS = 400

function continuesAfter(segment: string, next: string): boolean {
  const match = LAST_TOKEN.exec(segment)
  if (!match) return false
  const token = match[1] as string
  if (token.length === 1 && /\p{Lu}/u.test(token)) return true // an initial, as in "J. Smith"
  const lower = token.toLowerCase()
  if (ALWAYS_CONTINUES.has(lower)) return true
  return CONTINUES_BEFORE_LOWER.has(lower) && STARTS_LOWER_OR_DIGIT.test(next)
}

function tidy(sentence: string): string {
  const text = sentence.replace(/\s+/g, ' ').trim()
  if (text.length <= MAX_SENTENCE_CHARS) return text
  const cut = text.lastIndexOf(' ', MAX_SENTENCE_CHARS)
  return `${text.slice(0, cut > MAX_SENTENCE_CHARS / 2 ? cut : MAX_SENTENCE_CHARS)} …`
}

/** Splits text into sentences with whitespace collapsed, in document order; line breaks also end a sentence. */
export function splitSentences(text: string): string[] {
  const parts = Array.from(segmenter.segment(text), (s) => s.segment)
  const sentences: string[] = []
  let pending = ''
  for (let i = 0; i < parts.length; i++) {
    pending += parts[i]
    const next = parts[i + 1]
    if (next !== undefined && !/\n\s*$/.test(pending) && continuesAfter(pending, next)) continue
    const sentence = tidy(pending)
    if (sentence) sentences.push(sentence)
    pending = ''
  }
  return sentences
}
