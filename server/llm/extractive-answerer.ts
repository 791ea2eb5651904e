import { splitSentences } from './sentences.ts'
import { contentTerms, words } from './text-terms.ts'

/** The fixed framing that opens every extractive answer; nothing else in an answer is generated text. */
export const EXTRACTIVE_NOTICE =
  'Extractive answer (offline mode): the following sentences are quoted from documents you can access.'

export interface ExtractivePassage {
  id: string
  text: string
  title: string
  /** Headings of the section the passage comes from, outermost first. */
  headingPath?: readonly string[]
}

export interface ExtractiveSentence {
  text: string
  passageId: string
  score: number
}

export interface ExtractiveAnswer {
  /** The notice followed by one quoted sentence per line, each ending in a `[n]` marker; '' when nothing matched. */
  answer: string
  /** Ids of the cited passages, in the order their markers first appear. */
  citedIds: string[]
  sentences: ExtractiveSentence[]
}

const K1 = 1.2
const B = 0.75
/** Bonus for sentences of the first passage, falling linearly towards 0 for the last: retrieval rank counts a bit. */
const RANK_BONUS = 0.05
/** Sentences this much weaker than the best one are left out even when there is room: they rarely answer anything. */
const RELATIVE_FLOOR = 0.4
/** What a question term found only in the passage's title or section headings counts, against 1 in the sentence. */
const CONTEXT_WEIGHT = 0.5
const NEAR_DUPLICATE = 0.8
const MIN_WORDS = 3

interface Candidate {
  text: string
  passage: number
  position: number
  terms: string[]
  /** Content terms of the passage's title and headings: what the sentence is about without repeating it. */
  context: ReadonlySet<string>
  /** Share of the question's terms the sentence covers (CONTEXT_WEIGHT for those only in its context). */
  coverage: number
  /** BM25 against the question, normalized by the question's total idf: selects among sentences that cover it. */
  weight: number
  score: number
}

function jaccard(a: string[], b: string[]): number {
  const setA = new Set(a)
  const setB = new Set(b)
  let shared = 0
  for (const t of setA) if (setB.has(t)) shared++
  const union = setA.size + setB.size - shared
  return union === 0 ? 1 : shared / union
}

/**
 * Scores every sentence of the passages against the question, each read with its passage's title and headings (a
 * list item under "Checks before a payment run" is about payment runs). Two measures, for two jobs:
 * - `coverage`, the share of the question's content terms the sentence covers, decides whether it answers at all:
 *   the grounding step's measure (server/chat/grounding.ts) at sentence level, with title and heading words counting
 *   half, since they are shared by every sentence of the section. An idf from a handful of sentences cannot do this
 *   job: a question term that occurs in no sentence (a heading word, an inflection the stemmer misses) gets the
 *   largest idf of all, and that one term declined easy questions the passages plainly answer.
 * - `weight`, BM25 with the sentences as the corpus (normalized by the question's total idf), ranks the sentences
 *   that cover the question and drops those far weaker than the best: shared words count less than specific ones.
 */
function scoreSentences(question: string, passages: ExtractivePassage[]): Candidate[] {
  const query = [...new Set(contentTerms(question))]
  if (query.length === 0) return []
  const all: Candidate[] = []
  passages.forEach((passage, p) => {
    const context = new Set(contentTerms([passage.title, ...(passage.headingPath ?? [])].join('\n')))
    splitSentences(passage.text).forEach((text, position) => {
      if (words(text).length >= MIN_WORDS) {
        all.push({ text, passage: p, position, terms: contentTerms(text), context, coverage: 0, weight: 0, score: 0 })
      }
    })
  })
  if (all.length === 0) return []
  const df = new Map<string, number>()
  for (const c of all) for (const t of new Set([...c.terms, ...c.context])) df.set(t, (df.get(t) ?? 0) + 1)
  const avgLength = all.reduce((sum, c) => sum + c.terms.length, 0) / all.length || 1
  const idf = (t: string) => {
    const n = df.get(t) ?? 0
    return Math.log(1 + (all.length - n + 0.5) / (n + 0.5))
  }
  const totalIdf = query.reduce((sum, t) => sum + idf(t), 0)
  for (const c of all) {
    const tf = new Map<string, number>()
    for (const t of c.terms) tf.set(t, (tf.get(t) ?? 0) + 1)
    let covered = 0
    let bm25 = 0
    for (const t of query) {
      const f = tf.get(t) ?? 0
      if (f > 0) {
        covered += 1
        bm25 += (idf(t) * f * (K1 + 1)) / (f + K1 * (1 - B + (B * c.terms.length) / avgLength))
      } else if (c.context.has(t)) {
        covered += CONTEXT_WEIGHT
        bm25 += CONTEXT_WEIGHT * idf(t)
      }
    }
    c.coverage = covered / query.length
    c.weight = bm25 / totalIdf
    c.score = c.weight + RANK_BONUS * (1 - c.passage / passages.length)
  }
  return all
}

/**
 * The offline answer provider's core: quotes the passage sentences that best match the question, each followed by
 * a `[n]` marker where n is the 1-based index of its passage in `passages` (the output guard renumbers markers in
 * order of first use). Pure and deterministic; it never writes text of its own beyond {@link EXTRACTIVE_NOTICE}.
 * Returns an empty answer and no citations when no sentence covers at least `minScore` of the question's content
 * terms (default 0.25; terms only in the passage's title or headings count half), so the caller can decline instead.
 */
export function answerExtractively(
  question: string,
  passages: ExtractivePassage[],
  opts: { maxSentences?: number; minScore?: number } = {},
): ExtractiveAnswer {
  const maxSentences = Math.max(1, Math.floor(opts.maxSentences ?? 4))
  const minScore = opts.minScore ?? 0.25
  const ranked = scoreSentences(question, passages)
    .filter((c) => c.coverage >= minScore)
    .sort((a, b) => b.score - a.score || a.passage - b.passage || a.position - b.position)
  const floor = Math.max(0, ...ranked.map((c) => c.weight)) * RELATIVE_FLOOR
  const chosen: Candidate[] = []
  for (const c of ranked) {
    if (chosen.length === maxSentences) break
    if (c.weight < floor) continue
    if (chosen.some((d) => d.text === c.text || jaccard(d.terms, c.terms) >= NEAR_DUPLICATE)) continue
    chosen.push(c)
  }
  if (chosen.length === 0) return { answer: '', citedIds: [], sentences: [] }
  chosen.sort((a, b) => a.passage - b.passage || a.position - b.position)
  const citedIds = [...new Set(chosen.map((c) => (passages[c.passage] as ExtractivePassage).id))]
  const lines = chosen.map((c) => `"${c.text}" [${c.passage + 1}]`)
  return {
    answer: `${EXTRACTIVE_NOTICE}\n\n${lines.join('\n')}`,
    citedIds,
    sentences: chosen.map((c) => ({
      text: c.text,
      passageId: (passages[c.passage] as ExtractivePassage).id,
      score: c.score,
    })),
  }
}
