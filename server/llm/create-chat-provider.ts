import type { Config } from '../config.ts'
import type { ChatProvider } from './chat-provider.ts'
import { ExtractiveChatProvider } from './extractive-chat.ts'
import { OpenAIChatProvider } from './openai-chat.ts'

/** The configured chat provider (LLM_PROVIDER). */
export function createChatProvider(config: Pick<Config, 'chat'>): ChatProvider {
  const c = config.chat
  if (c.provider === 'extractive') return new ExtractiveChatProvider()
  if (!c.llm.apiKey) throw new RangeError('LLM_API_KEY is required with LLM_PROVIDER=openai')
  return new OpenAIChatProvider({
    baseURL: c.llm.baseUrl, model: c.llm.model, apiKey: c.llm.apiKey, timeoutMs: c.llm.timeoutMs, maxOutputTokens: c.llm.maxOutputTokens,
  })
}
