import type { AIMessageChunk } from '@langchain/core/messages'
import { ChatOpenAI } from '@langchain/openai'
import { providerFailure, providerTimeout, type ChatChunk, type ChatInput, type ChatOutput, type ChatProvider, type ChatUsage } from './chat-provider.ts'

export interface OpenAIChatOptions {
  /** Base URL with the version path: https://api.openai.com/v1, http://127.0.0.1:11434/v1 (Ollama), a vLLM or llama.cpp server, an Azure OpenAI v1 endpoint. */
  baseURL: string
  model: string
  /** Bearer token; endpoints without authentication accept any non-empty value. */
  apiKey: string
  /** Whole-call deadline in milliseconds, streamed or not. */
  timeoutMs: number
  maxOutputTokens: number
}

function usageOf(message: AIMessageChunk | { usage_metadata?: AIMessageChunk['usage_metadata'] }): ChatUsage | undefined {
  const u = message.usage_metadata
  return u ? { inputTokens: u.input_tokens, outputTokens: u.output_tokens } : undefined
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content.map((part) => (typeof part === 'object' && part && 'text' in part && typeof part.text === 'string' ? part.text : '')).join('')
}

/**
 * Any OpenAI-compatible /chat/completions endpoint through LangChain's ChatOpenAI (a Runnable). No retries on the
 * request path; a deadline for the whole call; the SDK's own logging off and OPENAI_* environment variables
 * ignored, so configuration comes only from config.ts and request bodies are never printed.
 */
export class OpenAIChatProvider implements ChatProvider {
  readonly name = 'openai' as const
  readonly model: string
  readonly external = true
  readonly #client: ChatOpenAI
  readonly #timeoutMs: number

  constructor(opts: OpenAIChatOptions) {
    if (!URL.canParse(opts.baseURL)) throw new RangeError('LLM base URL must be an absolute URL')
    this.model = opts.model
    this.#timeoutMs = opts.timeoutMs
    this.#client = new ChatOpenAI({
      model: opts.model,
      apiKey: opts.apiKey,
      temperature: 0,
      maxTokens: opts.maxOutputTokens,
      maxRetries: 0,
      timeout: opts.timeoutMs,
      streamUsage: true,
      configuration: { baseURL: opts.baseURL, organization: null, project: null, logLevel: 'off' },
    })
  }

  async invoke(input: ChatInput, signal: AbortSignal): Promise<ChatOutput> {
    const deadline = this.#deadline(signal)
    try {
      const message = await this.#client.invoke(input.messages, { signal: deadline })
      return { text: textOf(message.content), usage: usageOf(message) }
    } catch (error) {
      throw deadline.aborted && !signal.aborted ? providerTimeout(error) : providerFailure(error)
    }
  }

  async *stream(input: ChatInput, signal: AbortSignal): AsyncIterable<ChatChunk> {
    const deadline = this.#deadline(signal)
    try {
      const chunks = await this.#client.stream(input.messages, { signal: deadline })
      for await (const chunk of chunks) {
        const text = textOf(chunk.content)
        if (text) yield { text }
        const usage = usageOf(chunk)
        if (usage) yield { usage }
      }
    } catch (error) {
      throw deadline.aborted && !signal.aborted ? providerTimeout(error) : providerFailure(error)
    }
  }

  #deadline(signal: AbortSignal): AbortSignal {
    return AbortSignal.any([signal, AbortSignal.timeout(this.#timeoutMs)])
  }
}
