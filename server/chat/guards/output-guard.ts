import { normalizeText } from '../../scan/hidden-text.ts'
import { DATAMARK } from '../passages.ts'
import { checkCitations } from './citations.ts'
import { removeUnsafeMarkup } from './markup.ts'
import type { LeakDetector } from './prompt-leak.ts'
import { removeSensitive, type KnownPii } from './sensitive.ts'

/** Audit types of output blocks (guard.block events carry the type and a count, never the text). */
export type OutputBlockType =
  | 'system_prompt' | 'canary' | 'script' | 'html' | 'image' | 'link' | 'secret' | 'pii' | 'foreign_citation'

/** What the user sees instead of an answer that tried to reveal the system prompt or a canary. */
export const WITHHELD_ANSWER =
  'The answer was withheld because it failed a safety check. Please rephrase your question.'

export interface OutputGuardContext {
  leak: LeakDetector
  /** The requester's canary, as planted in this request's system prompt. */
  canary: string
  allowHosts: readonly string[]
  /** Number of passages the model was given: valid citations are [1]..[passageCount]. */
  passageCount: number
  /** Chunk and document ids of those passages, lower case. */
  permittedIds: ReadonlySet<string>
  known: KnownPii
}

export interface GuardedAnswer {
  text: string
  /** True when the whole answer was replaced by WITHHELD_ANSWER. */
  withheld: boolean
  blocks: Partial<Record<OutputBlockType, number>>
  /**
   * Valid passage numbers cited, in order of first appearance. The text's markers are renumbered to match: `[k]`
   * in `text` refers to passage `cited[k - 1]`, so the response lists citations in this order.
   */
  cited: number[]
}

/**
 * The output guard. It assumes the model is fully taken over by an injected instruction, so it trusts nothing in
 * the answer: a system-prompt or canary leak withholds the whole answer (partial removal could leave enough to
 * reconstruct it); active markup, exfiltration links and images, secrets, unknown personal data and citations of
 * passages that were not permitted are removed in place. Deterministic and free of I/O except the secret scanner.
 */
export async function guardOutput(raw: string, ctx: OutputGuardContext): Promise<GuardedAnswer> {
  const text = normalizeText(raw).replaceAll(DATAMARK, ' ')
  const leak = ctx.leak(text, ctx.canary)
  if (leak) return { text: WITHHELD_ANSWER, withheld: true, blocks: { [leak]: 1 }, cited: [] }
  const blocks: Partial<Record<OutputBlockType, number>> = {}
  const count = (type: OutputBlockType, n: number) => {
    if (n > 0) blocks[type] = (blocks[type] ?? 0) + n
  }
  const markup = removeUnsafeMarkup(text, ctx.allowHosts)
  for (const [type, n] of Object.entries(markup.counts)) count(type as OutputBlockType, n)
  const citations = checkCitations(markup.text, ctx.passageCount, ctx.permittedIds)
  count('foreign_citation', citations.foreign)
  const sensitive = await removeSensitive(citations.text, ctx.known)
  count('secret', sensitive.secrets)
  count('pii', sensitive.pii)
  const tidy = sensitive.text.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim()
  return { text: tidy, withheld: false, blocks, cited: citations.cited }
}
