const WORD = /[\p{L}\p{N}]+/gu
const VOWEL = /[aeiouy]/

// Function words and question words: they match everywhere and would let any sentence answer any question.
const STOPWORDS = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below between ' +
    'both but by can could did do does doing done down during each either else etc ever every few for from further ' +
    'get gets got had has have having he her here hers herself him himself his how i if in into is it its itself ' +
    'just let me might more most must my myself neither no nor not now of off on once only or other ought our ours ' +
    'ourselves out over own please same shall she should so some such tell than that the their theirs them ' +
    'themselves then there these they this those through to too under until up upon us very was we were what when ' +
    'where whether which while who whom whose why will with within without would yes yet you your yours yourself ' +
    'yourselves know explain describe give show'
  ).split(' '),
)

/**
 * A deliberately light English stemmer: folds plurals, -ing/-ed and -tion/-sion, trailing -e and -ly, so that
 * "rotated", "rotation" and "rotates" meet at "rotat". Applied identically to questions and documents, so
 * over-stemming only merges terms, it never loses a match.
 */
export function lightStem(word: string): string {
  let w = word
  if (w.length <= 3 || !/^\p{Ll}+$/u.test(w)) return w
  if (w.endsWith('ies') && w.length > 4) w = w.slice(0, -3) + 'y'
  else if (w.endsWith('sses')) w = w.slice(0, -2)
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1)
  if (w.length > 5 && w.endsWith('ing') && VOWEL.test(w.slice(0, -3))) w = w.slice(0, -3)
  else if (w.length > 4 && w.endsWith('ied')) w = w.slice(0, -3) + 'y'
  else if (w.length > 4 && w.endsWith('ed') && !w.endsWith('eed') && VOWEL.test(w.slice(0, -2))) w = w.slice(0, -2)
  if (w.length > 5 && /[st]ion$/.test(w)) w = w.slice(0, -3)
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1)
  if (w.length > 5 && w.endsWith('ly')) w = w.slice(0, -2)
  return w
}

/** A word with its clitics: "what's", "acme's", "i'm", "we're", "don't". */
const WORD_WITH_CLITIC = /[\p{L}\p{N}]+(?:['\u2019][\p{L}]+)*/gu
const CLITIC = /^(.+)['\u2019](?:s|m|d|ll|re|ve)$/u
const NEGATION = /^(.+)n['\u2019]t$/u
const NEGATED_STEMS: Record<string, string> = { ca: 'can', wo: 'will', sha: 'shall' }

/**
 * English clitics are folded: "what's" is "what", "acme's" is "acme", "don't" is "do not". Split at the apostrophe
 * they left a stray "s", "m" or "don" that no document word matches, so a question written with a contraction
 * needed one more matching word than the same question spelt out. Other apostrophes split as before.
 */
function unclitic(token: string): string[] {
  const negation = NEGATION.exec(token)
  if (negation) {
    const stem = negation[1] as string
    return [...((NEGATED_STEMS[stem] ?? stem).match(WORD) ?? []), 'not']
  }
  const base = CLITIC.exec(token)?.[1] ?? token
  return base.match(WORD) ?? []
}

/** Lowercased, NFKC-normalized words of `text` (runs of Unicode letters and digits, clitics folded). */
export function words(text: string): string[] {
  const tokens = text.normalize('NFKC').toLowerCase().match(WORD_WITH_CLITIC) ?? []
  return tokens.flatMap((t) => (t.includes("'") || t.includes('\u2019') ? unclitic(t) : [t]))
}

/** The words that carry meaning for matching: stopwords removed, the rest stemmed. */
export function contentTerms(text: string): string[] {
  const terms: string[] = []
  for (const word of words(text)) if (!STOPWORDS.has(word)) terms.push(lightStem(word))
  return terms
}
