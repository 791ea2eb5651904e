import type { AuditEvent } from '../audit/event.ts'
import type { Principal } from '../auth/principal.ts'
import { AppError } from '../errors.ts'
import { POLICY_VERSION } from '../policy/rule.ts'
import type { SearchResult } from '../retrieval/search.service.ts'
import type { PassageSelection } from './grounding.ts'
import type { InputBlockType } from './guards/input-guard.ts'
import type { OutputBlockType } from './guards/output-guard.ts'
import type { InjectionScore } from '../scan/injection.ts'

/**
 * Audit events of the chat pipeline. Ids, codes, scores and counts only: never the question, the answer, passage
 * text, titles or what a guard removed (the log outlives the data and cannot be edited).
 */

/** The retrieval decision: which permitted chunks were found, how many the rule withheld, which route ran. */
export function retrievalDecision(p: Principal, found: SearchResult, sel: PassageSelection): AuditEvent {
  return {
    type: 'retrieval.decision', actor: p.userId, outcome: 'success',
    data: {
      policyVersion: POLICY_VERSION, chunkIds: found.results.map((r) => r.chunkId), candidatesDenied: found.candidatesDenied,
      route: found.route, sent: sel.passages.map((x) => x.chunkId), flaggedExcluded: sel.flagged, egressWithheld: sel.egressWithheld,
    },
  }
}

export function inputBlock(p: Principal, type: InputBlockType, injection: InjectionScore, count: number): AuditEvent {
  return {
    type: 'guard.block', actor: p.userId, outcome: 'denied',
    data: { stage: 'input', type, count, score: injection.score, reasons: injection.reasons.slice(0, 20) },
  }
}

export function outputBlocks(p: Principal, blocks: Partial<Record<OutputBlockType, number>>, conversationId: string, messageId: string): AuditEvent[] {
  return Object.entries(blocks).map(([type, count]) => ({
    type: 'guard.block', actor: p.userId, outcome: 'denied',
    data: { stage: 'output', type, count: count ?? 0, conversationId, messageId },
  }))
}

export interface AnswerFacts {
  conversationId: string
  messageId: string
  provider: string
  model: string
  promptVersion: string | null
  promptHash: string | null
  citations: number
  classification: string
  grounded: boolean
  injection: InjectionScore
  piiPlaceholders: number
  tokens: number
  streamed: boolean
}

export function answered(p: Principal, f: AnswerFacts): AuditEvent {
  return {
    type: 'chat.answer', actor: p.userId, outcome: 'success',
    data: {
      conversationId: f.conversationId, messageId: f.messageId, provider: f.provider, model: f.model,
      promptVersion: f.promptVersion, promptHash: f.promptHash, citations: f.citations, classification: f.classification,
      grounded: f.grounded, injectionScore: f.injection.score, injectionReasons: f.injection.reasons.slice(0, 20),
      piiPlaceholders: f.piiPlaceholders, tokens: f.tokens, streamed: f.streamed,
    },
  }
}

export function failed(p: Principal, err: unknown, provider: string): AuditEvent {
  const code = err instanceof AppError ? err.code : 'internal_error'
  return { type: 'chat.answer', actor: p.userId, outcome: 'failure', data: { code, provider } }
}
