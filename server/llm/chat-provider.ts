import type { BaseMessage } from '@langchain/core/messages'
import { AppError } from '../errors.ts'
import type { ExtractivePassage } from './extractive-answerer.ts'

/** What a provider receives for one answer. */
export interface ChatInput {
  /** The composed conversation: the system prompt, earlier turns as user/assistant messages, the new user turn. */
  messages: BaseMessage[]
  /** The question alone and the passages in prompt order (passage n is `passages[n - 1]`), for extractive providers. */
  question: string
  passages: ExtractivePassage[]
}

export interface ChatUsage {
  inputTokens: number
  outputTokens: number
}

export interface ChatOutput {
  text: string
  /** As reported by the provider; undefined when it reports nothing. */
  usage: ChatUsage | undefined
}

/** One piece of a streamed answer: text, or the usage reported at the end. */
export type ChatChunk = { text: string } | { usage: ChatUsage }

/**
 * A chat model behind one interface. Implementations never retry on the request path (a retry doubles the wait and
 * the cost; the caller reports the failure) and honour `signal` promptly. Errors surface as AppError
 * `provider_timeout` (504) or `provider_error` (502) with messages that quote nothing from the request or response.
 */
export interface ChatProvider {
  /** Recorded with every answer: 'extractive' or 'openai'. */
  readonly name: 'extractive' | 'openai'
  readonly model: string
  /** True when text leaves this process: PII is replaced by placeholders before the provider sees it. */
  readonly external: boolean
  invoke(input: ChatInput, signal: AbortSignal): Promise<ChatOutput>
  stream(input: ChatInput, signal: AbortSignal): AsyncIterable<ChatChunk>
}

export function providerTimeout(cause?: unknown): AppError {
  return new AppError('provider_timeout', 'the language model did not answer in time; nothing was stored', {
    status: 504, expose: true, cause,
  })
}

/** Only the error class and upstream status survive: provider messages can echo the prompt. */
export function providerFailure(error: unknown): AppError {
  if (error instanceof AppError) return error
  const upstream = (error as { status?: unknown } | null)?.status
  const status = typeof upstream === 'number' ? upstream : 'none'
  const kind = error instanceof Error ? error.name : typeof error
  return new AppError('provider_error', `the language model provider failed (${kind}, status ${status}); nothing was stored`, {
    status: 502, expose: true, cause: error,
  })
}
