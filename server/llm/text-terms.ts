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

/** Lowercased, NFKC-normalized words of `text` (runs of Unicode letters and digits). */
export function words(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(WORD) ?? []
}

/** The words that carry meaning for matching: stopwords removed, the rest stemmed. */
export function contentTerms(text: string): string[] {
  const terms: string[] = []
  for (const word of words(text)) if (!STOPWORDS.has(word)) terms.push(lightStem(word))
  return terms
}
