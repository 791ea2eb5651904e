import { contentTerms } from '../llm/text-terms.ts'
import { levelOf, type Classification } from '../policy/levels.ts'
import type { SearchHit } from '../retrieval/search.service.ts'
import type { PromptPassage } from './passages.ts'

export interface PassageSelection {
  /** What the model is given, numbered from 1. */
  passages: PromptPassage[]
  /** Passages flagged at ingest as carrying instructions: never sent. */
  flagged: number
  /** Relevant passages classified above the provider's egress limit: not sent, and the answer says so. */
  egressWithheld: number
}

/**
 * Share of the question's distinct content terms (stopwords removed, lightly stemmed) that occur in the passage's
 * title, section headings or text. Retrieval's fused score ranks but does not measure relevance (it is rank-based),
 * so grounding uses this explainable lexical coverage instead. The headings count because a chunk is one section
 * of its document: a list of checks under "Checks before a payment run" answers "what checks happen before a
 * payment run?" without repeating the heading's words.
 */
export function relevance(questionTerms: ReadonlySet<string>, hit: Pick<SearchHit, 'title' | 'headingPath' | 'text'>): number {
  if (questionTerms.size === 0) return 0
  const terms = new Set(contentTerms(`${hit.title}\n${hit.headingPath.join('\n')}\n${hit.text}`))
  let found = 0
  for (const t of questionTerms) if (terms.has(t)) found++
  return found / questionTerms.size
}

/**
 * Chooses the passages sent to the model. Security decisions: flagged passages are excluded rather than marked
 * (a marked passage still puts the attacker's words in front of the model); passages above the egress limit are
 * never sent; only passages reaching the relevance threshold are used, so an answer is grounded or declined.
 */
export function selectPassages(
  question: string,
  hits: readonly SearchHit[],
  opts: { threshold: number; egressMax: Classification },
): PassageSelection {
  const terms = new Set(contentTerms(question))
  const out: PassageSelection = { passages: [], flagged: 0, egressWithheld: 0 }
  for (const hit of hits) {
    if (hit.instructionFlagged) {
      out.flagged++
      continue
    }
    if (relevance(terms, hit) < opts.threshold) continue
    if (levelOf(hit.classification) > levelOf(opts.egressMax)) {
      out.egressWithheld++
      continue
    }
    out.passages.push({
      number: out.passages.length + 1, chunkId: hit.chunkId, documentId: hit.documentId, title: hit.title,
      headingPath: hit.headingPath, classification: hit.classification, page: hit.page, text: hit.text,
    })
  }
  return out
}
