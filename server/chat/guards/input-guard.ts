import { normalizeText } from '../../scan/hidden-text.ts'
import { scoreInjection, type InjectionScore } from '../../scan/injection.ts'
import { findSecrets } from '../../scan/secrets.ts'

export interface InputGuardSettings {
  maxChars: number
  maxTokens: number
  /** Refuse at or above this injection score (0..1). */
  injectionThreshold: number
}

/** Why a message was refused: the audit type of the `guard.block` event and the API error it becomes. */
export type InputBlockType = 'empty' | 'length' | 'tokens' | 'injection' | 'secret'

export type InputVerdict =
  | { ok: true; text: string; injection: InjectionScore; tokens: number }
  | { ok: false; type: InputBlockType; injection: InjectionScore; count: number }

/**
 * Rough token count for caps and budgets, provider-independent: about four characters per token for alphabetic
 * scripts, one per character for CJK and other scripts without spaces.
 */
export function estimateTokens(text: string): number {
  const dense = text.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/gu)?.length ?? 0
  return dense + Math.ceil((text.length - dense) / 4)
}

/**
 * Checks a user's chat message before anything else sees it. Order matters: caps first (bounded work for the
 * scanners), injection scoring on the raw text (it decodes tag characters and counts invisible ones, which
 * normalization would erase), then secrets on the normalized text. A message holding a credential is refused,
 * not redacted: it must not reach a model, the transcript store or the log, and the user should rotate it.
 * The returned text is NFKC-normalized with zero-width, bidi and tag characters removed.
 */
export async function guardInput(message: string, s: InputGuardSettings): Promise<InputVerdict> {
  const none: InjectionScore = { score: 0, reasons: [] }
  // NFKC can expand text, so the raw message is bounded first and the normalized one again below.
  if (message.length > s.maxChars * 2) return { ok: false, type: 'length', injection: none, count: 1 }
  const text = normalizeText(message).trim()
  if (text.length === 0) return { ok: false, type: 'empty', injection: none, count: 1 }
  if (text.length > s.maxChars) return { ok: false, type: 'length', injection: none, count: 1 }
  const tokens = estimateTokens(text)
  if (tokens > s.maxTokens) return { ok: false, type: 'tokens', injection: none, count: 1 }
  const injection = scoreInjection(message, { source: 'user' })
  if (injection.score >= s.injectionThreshold) return { ok: false, type: 'injection', injection, count: 1 }
  const secrets = await findSecrets(text)
  if (secrets.length > 0) return { ok: false, type: 'secret', injection, count: secrets.length }
  return { ok: true, text, injection, tokens }
}
