import type { Config } from '../config.ts'
import type { Database } from '../db/pool.ts'
import type { Keyring } from '../keys/keyring.ts'
import type { ChatProvider } from '../llm/chat-provider.ts'
import { createChatProvider } from '../llm/create-chat-provider.ts'
import type { Embedder } from '../llm/embeddings.ts'
import type { Logger } from '../logger.ts'
import type { ChatServiceDeps } from './chat.service.ts'
import { egressPolicy } from './egress.ts'
import { createLeakDetector } from './guards/prompt-leak.ts'
import { loadCanarySecret } from './prompts/canary.ts'
import { loadPromptTemplates, promptWords } from './prompts/system-prompt.ts'

export interface ChatDeps {
  db: Database
  embedder: Embedder
  keyring: Keyring
  config: Config
  logger: Logger
  /** Default: the configured provider (LLM_PROVIDER). */
  provider?: ChatProvider
}

/** Everything the chat use case needs, built once at start-up: prompt files are read and checked here. */
export function chatServiceDeps(deps: ChatDeps): ChatServiceDeps {
  const provider = deps.provider ?? createChatProvider(deps.config)
  const prompts = loadPromptTemplates()
  const canarySecret = loadCanarySecret(deps.config.chat.promptCanary, deps.config.dataDir)
  return {
    db: deps.db, embedder: deps.embedder, keyring: deps.keyring, config: deps.config, logger: deps.logger,
    provider, prompts, canarySecret,
    leak: createLeakDetector(Object.values(prompts).map(promptWords), canarySecret),
    egress: egressPolicy(deps.db, provider.name, deps.config.chat.egressMax),
  }
}
