import { RunnableLambda } from '@langchain/core/runnables'
import { answerExtractively, type ExtractiveAnswer } from './extractive-answerer.ts'
import type { ChatChunk, ChatInput, ChatOutput, ChatProvider } from './chat-provider.ts'
import { providerTimeout } from './chat-provider.ts'

const estimate = (chars: number) => Math.ceil(chars / 4)

/**
 * The offline provider: quotes the sentences of the permitted passages that best answer the question, each
 * followed by its passage number, under EXTRACTIVE_NOTICE. It runs in-process, so nothing leaves the server, and
 * it never sees the system prompt or history (it generates no text of its own to steer).
 */
export class ExtractiveChatProvider implements ChatProvider {
  readonly name = 'extractive' as const
  readonly model = 'extractive-v1'
  readonly external = false
  readonly #runnable = RunnableLambda.from((input: ChatInput): ExtractiveAnswer =>
    answerExtractively(input.question, input.passages, { maxSentences: 4 }))

  async invoke(input: ChatInput, signal: AbortSignal): Promise<ChatOutput> {
    if (signal.aborted) throw providerTimeout(signal.reason)
    const { answer } = await this.#runnable.invoke(input, { signal })
    const inputChars = input.question.length + input.passages.reduce((n, p) => n + p.text.length, 0)
    return { text: answer, usage: { inputTokens: estimate(inputChars), outputTokens: estimate(answer.length) } }
  }

  /** Streams the extractive answer line by line, so both answer modes behave alike for clients. */
  async *stream(input: ChatInput, signal: AbortSignal): AsyncIterable<ChatChunk> {
    const out = await this.invoke(input, signal)
    for (const line of out.text.split(/(?<=\n)/)) yield { text: line }
    if (out.usage) yield { usage: out.usage }
  }
}
