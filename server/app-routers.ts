import type { Router } from 'express'
import { auditRoutes } from './audit/audit.routes.ts'
import { chatRoutes } from './chat/chat.routes.ts'
import { conversationRoutes } from './chat/conversations.routes.ts'
import type { Config } from './config.ts'
import type { Database } from './db/pool.ts'
import { documentRoutes } from './documents/documents.routes.ts'
import type { RateLimits } from './http/rate-limit.ts'
import { keyRoutes } from './keys/keys.routes.ts'
import type { Keyring } from './keys/keyring.ts'
import type { Embedder } from './llm/embeddings.ts'
import type { Logger } from './logger.ts'
import { privacyRoutes } from './privacy/privacy.routes.ts'
import { retentionRoutes } from './retention/retention.routes.ts'
import { searchRoutes } from './retrieval/search.routes.ts'
import { webRoutes } from './web/static.routes.ts'

export interface AppRouterDeps {
  config: Config
  db: Database
  logger: Logger
  embedder: Embedder
  keyring: Keyring
  /** The app's limiters: the chat route applies its own per-user limit from the same shared counters. */
  rateLimits: RateLimits
  /** Built web UI (server/web/ensure-built.ts); its catch-all for app paths comes last. */
  webDistDir: string
}

/**
 * Every capability router the server mounts after identity's own, in order. main.ts and the browser tests
 * (test/e2e/helpers/web-server.ts) both take the list from here, so a router added for production is also under
 * test, and a test server cannot quietly run with less than the real application.
 */
export function appRouters(deps: AppRouterDeps): Router[] {
  const { config, db, logger, embedder, keyring, rateLimits } = deps
  return [
    searchRoutes({ db, embedder }),
    chatRoutes({ db, embedder, keyring, config, logger, rateLimits }),
    conversationRoutes({ db, keyring }),
    documentRoutes({ db, embedder, config, logger }),
    retentionRoutes({ db, defaults: config.retention.defaultDays }),
    keyRoutes({ db, keyring }),
    privacyRoutes({ db, keyring }),
    auditRoutes({ db, verifier: keyring.provider }),
    webRoutes(deps.webDistDir),
  ]
}
