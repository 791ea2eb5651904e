import type { Principal } from '../auth/principal.ts'
import type { ChatProvider, ChatUsage } from '../llm/chat-provider.ts'
import { canaryFor } from './prompts/canary.ts'
import { renderSystemPrompt, type PromptTemplate } from './prompts/system-prompt.ts'
import { composeMessages, type Turn } from './compose.ts'
import { guardOutput, type GuardedAnswer } from './guards/output-guard.ts'
import { withPlaceholders } from './guards/pii-placeholders.ts'
import type { LeakDetector } from './guards/prompt-leak.ts'
import { knownPii } from './guards/sensitive.ts'
import { StreamGuard } from './guards/stream-guard.ts'
import { newBoundary, renderUserTurn, type PromptPassage } from './passages.ts'

export interface GenerateDeps {
  provider: ChatProvider
  canarySecret: string
  leak: LeakDetector
  allowHosts: readonly string[]
}

export interface GenerateRequest {
  template: PromptTemplate
  /** Earlier turns, already re-checked and filtered for egress. */
  history: readonly Turn[]
  question: string
  /** Empty for the open (ungrounded) prompt. */
  passages: readonly PromptPassage[]
  signal: AbortSignal
  /** Streaming: receives guarded, restored text as it becomes releasable. */
  onText?: (text: string) => void
}

export interface Generated extends GuardedAnswer {
  usage: ChatUsage | undefined
  /** Characters sent to the provider, for token estimates when it reports no usage. */
  sentChars: number
  placeholders: number
  promptVersion: string
  promptHash: string
}

/**
 * One model call with its guards. The system role carries the versioned prompt with the user's canary and nothing
 * else; for an external provider personal data in every turn is replaced by placeholders first, and restored only
 * in the guarded answer for this user. The output guard judges the model's own text (with placeholders), so the
 * user's restored values never count as foreign personal data.
 */
export async function generate(deps: GenerateDeps, principal: Principal, req: GenerateRequest): Promise<Generated> {
  const canary = canaryFor(deps.canarySecret, principal.tenantId, principal.userId)
  const system = renderSystemPrompt(req.template, canary)
  const texts = [...req.history.map((t) => t.text), req.question]
  const ph = deps.provider.external ? withPlaceholders(texts) : { texts, restore: (s: string) => s, count: 0 }
  const question = ph.texts[texts.length - 1] as string
  const history = req.history.map((t, i) => ({ role: t.role, text: ph.texts[i] as string }))
  const turn = req.passages.length > 0 ? renderUserTurn(req.passages, newBoundary(), question) : question
  const messages = await composeMessages(system.text, history, turn)
  const input = { messages, question, passages: req.passages.map((p) => ({ id: p.chunkId, text: p.text, title: p.title, headingPath: p.headingPath })) }
  const ctx = {
    leak: deps.leak, canary, allowHosts: deps.allowHosts, passageCount: req.passages.length,
    permittedIds: new Set(req.passages.flatMap((p) => [p.chunkId.toLowerCase(), p.documentId.toLowerCase()])),
    known: knownPii([...texts, ...req.passages.map((p) => `${p.title}\n${p.text}`)]),
  }
  const sentChars = messages.reduce((n, m) => n + String(m.content).length, 0)
  const meta = { sentChars, placeholders: ph.count, promptVersion: system.version, promptHash: system.hash }

  if (!req.onText) {
    const out = await deps.provider.invoke(input, req.signal)
    const guarded = await guardOutput(out.text, ctx)
    return { ...guarded, text: ph.restore(guarded.text), usage: out.usage, ...meta }
  }
  const stop = new AbortController()
  const signal = AbortSignal.any([req.signal, stop.signal])
  const guard = new StreamGuard(ctx)
  let usage: ChatUsage | undefined
  for await (const chunk of deps.provider.stream(input, signal)) {
    if ('usage' in chunk) {
      usage = chunk.usage
      continue
    }
    const fresh = await guard.push(chunk.text)
    if (fresh) req.onText(ph.restore(fresh))
    if (guard.stopped) {
      stop.abort()
      break
    }
  }
  const guarded = await guard.finish()
  return { ...guarded, text: ph.restore(guarded.text), usage, ...meta }
}
