import type { AuditEvent } from '../audit/event.ts'
import { recordAudit } from '../audit/audit.service.ts'
import type { Principal } from '../auth/principal.ts'
import type { Config } from '../config.ts'
import type { Database } from '../db/pool.ts'
import { withPrincipal } from '../db/tx.ts'
import { AppError, BadRequestError } from '../errors.ts'
import type { Keyring } from '../keys/keyring.ts'
import type { ChatProvider } from '../llm/chat-provider.ts'
import type { Embedder } from '../llm/embeddings.ts'
import type { Logger } from '../logger.ts'
import { countGuardBlock } from '../metrics/metrics.ts'
import { classificationAt, levelOf, type Classification } from '../policy/levels.ts'
import { scopeOf } from '../policy/rule.ts'
import { storeExchangeIn, type StoredCitation } from '../transcripts/index.ts'
import { timed } from './chat.trace.ts'
import { answered, failed, inputBlock, outputBlocks, retrievalDecision } from './chat.audit.ts'
import { citedSources } from './cited-sources.ts'
import type { EgressPolicy } from './egress.ts'
import { generate, type Generated } from './generate.ts'
import { selectPassages, type PassageSelection } from './grounding.ts'
import { estimateTokens, guardInput, type InputVerdict } from './guards/input-guard.ts'
import type { LeakDetector } from './guards/prompt-leak.ts'
import { priorTurns } from './history.ts'
import { acquireChatSlot, releaseChatSlot, releaseChatSlotIn } from './limits.ts'
import type { PromptKind, PromptTemplate } from './prompts/system-prompt.ts'
import { retrieve } from './retrieve.ts'

export interface ChatServiceDeps {
  db: Database
  embedder: Embedder
  keyring: Keyring
  config: Config
  logger: Logger
  provider: ChatProvider
  prompts: Record<PromptKind, PromptTemplate>
  canarySecret: string
  leak: LeakDetector
  egress: EgressPolicy
}

export interface ChatQuestion {
  message: string
  conversationId?: string | undefined
}

export interface ChatAnswer {
  conversationId: string
  messageId: string
  answer: string
  citations: StoredCitation[]
  classification: Classification
  provider: string
  model: string
}

/** The polite decline when no permitted passage is relevant. */
export const NOT_FOUND = 'I could not find this in the documents you can access.'

/**
 * The chat use case: guard the input, take a rate/concurrency/budget slot, retrieve permitted passages, decline or
 * generate under the output guard, store the exchange encrypted, audit. A provider failure or timeout stores
 * nothing (the exchange is written only after a complete, guarded answer exists). `onText` switches to streaming.
 */
export async function askQuestion(
  deps: ChatServiceDeps,
  principal: Principal,
  q: ChatQuestion,
  opts: { signal: AbortSignal; onText?: (text: string) => void },
): Promise<ChatAnswer> {
  const c = deps.config.chat
  const verdict = await timed('input_guard', () =>
    guardInput(q.message, { maxChars: c.maxMessageChars, maxTokens: c.maxMessageTokens, injectionThreshold: c.injectionThreshold }))
  if (!verdict.ok) {
    countGuardBlock(`input_${verdict.type}`)
    await recordAudit(deps.db, principal.tenantId, inputBlock(principal, verdict.type, verdict.injection, verdict.count))
    throw inputRefusal(verdict, deps.config)
  }
  const question = verdict.text
  const leaseSeconds = Math.ceil(c.llm.timeoutMs / 1000) + 30
  const leaseId = await timed('admit', () =>
    acquireChatSlot(deps.db, principal, { maxConcurrent: c.maxConcurrent, dailyTokenBudget: c.dailyTokenBudget, leaseSeconds }, verdict.tokens))
  const events: AuditEvent[] = []
  let tokens = 0
  try {
    const egressMax = await deps.egress(principal.tenantId)
    const history = q.conversationId
      ? await timed('history', () => priorTurns(deps, principal, q.conversationId as string, deps.provider.external ? egressMax : 'restricted'))
      : []
    const found = await timed('retrieval', () => retrieve(deps, principal, question))
    const sel = selectPassages(question, found.results, { threshold: c.relevanceThreshold, egressMax })
    events.push(retrievalDecision(principal, found, sel))
    const grounded = sel.passages.length > 0
    let out: Generated | undefined
    if (grounded || (!c.declineWhenUngrounded && sel.egressWithheld === 0)) {
      out = await timed('generate', () => generate(
        { provider: deps.provider, canarySecret: deps.canarySecret, leak: deps.leak, allowHosts: c.linkAllowlist },
        principal,
        {
          template: deps.prompts[grounded ? 'grounded' : 'open'], history, question, passages: sel.passages, signal: opts.signal,
          ...(opts.onText ? { onText: opts.onText } : {}),
        },
      ))
      tokens = out.usage ? out.usage.inputTokens + out.usage.outputTokens : Math.ceil(out.sentChars / 4) + estimateTokens(out.text)
    }
    const composed = composeAnswer(out, sel, egressMax, deps.provider)
    // One transaction stores the exchange, ends the lease with the tokens spent and appends the audit entries: an
    // answer is never stored unaudited, and a failure here stores nothing (the catch below audits the failure).
    const stored = await timed('store', () => withPrincipal(deps.db, scopeOf(principal), async (tx) => {
      const saved = await storeExchangeIn(tx, deps, principal, {
        conversationId: q.conversationId,
        title: Array.from(question).slice(0, 80).join(''),
        messages: [
          { role: 'user', text: question, classification: 'public' },
          {
            role: 'assistant', text: composed.answer, citations: composed.citations, classification: composed.classification,
            ...(out ? { promptVersion: out.promptVersion, promptHash: out.promptHash } : {}),
            provider: composed.provider, model: composed.model,
          },
        ],
      })
      const conversationId = saved.conversationId
      const messageId = saved.messageIds[1] as string
      const answerEvents = [
        answered(principal, {
          conversationId, messageId, provider: composed.provider, model: composed.model,
          promptVersion: out?.promptVersion ?? null, promptHash: out?.promptHash ?? null, citations: composed.citations.length,
          classification: composed.classification, grounded, injection: verdict.injection, piiPlaceholders: out?.placeholders ?? 0,
          tokens, streamed: opts.onText !== undefined,
        }),
        ...(out ? outputBlocks(principal, out.blocks, conversationId, messageId) : []),
      ]
      await timed('release', () => releaseChatSlotIn(tx, principal, leaseId, tokens, [...events, ...answerEvents]))
      return { conversationId, messageId }
    }))
    for (const type of Object.keys(out?.blocks ?? {})) countGuardBlock(`output_${type}`)
    return { ...stored, ...composed }
  } catch (err) {
    events.push(failed(principal, err, deps.provider.name))
    await releaseChatSlot(deps.db, principal, leaseId, tokens, events).catch((releaseErr: unknown) => {
      deps.logger.error({ err: releaseErr }, 'chat slot release failed')
    })
    throw err
  }
}

/**
 * The answer as stored and returned. Citations come only from valid passage markers, in the order the guarded text
 * numbers them (marker [k] is citation k). Classification is the highest level among the cited chunks; for a
 * generative provider it is the highest among all passages it was shown, since such a model can use a passage
 * without citing it (an answer is never labelled below what shaped it).
 */
function composeAnswer(out: Generated | undefined, sel: PassageSelection, egressMax: Classification, provider: ChatProvider) {
  const withheldNote = sel.egressWithheld > 0
    ? ` ${sel.egressWithheld} relevant passage(s) are classified above ${egressMax}, which your organization does not allow to be sent to this deployment's language model (${provider.name}).`
    : ''
  if (!out || (!out.withheld && out.text === '')) {
    return { answer: NOT_FOUND + withheldNote, citations: [], classification: 'public' as Classification, provider: 'none', model: 'none' }
  }
  const { sources: cited, citations } = citedSources(out.cited, sel.passages)
  const shaping = provider.external ? sel.passages : cited
  const level = Math.max(0, ...shaping.map((p) => levelOf(p.classification)))
  const note = withheldNote ? `\n\nNote:${withheldNote}` : ''
  return { answer: out.text + note, citations: out.withheld ? [] : citations, classification: classificationAt(level), provider: provider.name, model: provider.model }
}

function inputRefusal(v: Extract<InputVerdict, { ok: false }>, config: Config): AppError {
  switch (v.type) {
    case 'empty':
      return new BadRequestError('message_empty', 'the message is empty')
    case 'length':
      return new BadRequestError('message_too_long', `messages are limited to ${config.chat.maxMessageChars} characters`)
    case 'tokens':
      return new BadRequestError('message_too_long', `messages are limited to about ${config.chat.maxMessageTokens} tokens`)
    case 'injection':
      return new BadRequestError('prompt_injection_suspected',
        'This message looks like an attempt to change the assistant\'s instructions, so it was not processed. Ask a question about your documents instead.')
    case 'secret':
      return new BadRequestError('secret_in_message',
        'This message contains what looks like a credential (a key, token or password), so it was not processed or stored. Remove it, and rotate the credential if it is real.')
  }
}
