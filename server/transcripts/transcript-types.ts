import type { Database } from '../db/pool.ts'
import type { Keyring } from '../keys/keyring.ts'
import type { Classification } from '../policy/levels.ts'

/** What the transcript store needs: the database and the tenant keyring (server/keys/keyring.ts). */
export interface TranscriptDeps {
  db: Database
  keyring: Keyring
}

/** A source shown with an answer. Stored encrypted with the message (purpose `citation`), snippet included. */
export type StoredCitation = {
  documentId: string
  chunkId: string
  title: string
  classification: Classification
  page: number | null
  snippet: string
}

export interface NewMessage {
  role: 'user' | 'assistant'
  text: string
  citations?: StoredCitation[]
  /** Highest classification of what the message shows; the conversation keeps the high-water mark. */
  classification: Classification
  promptVersion?: string
  promptHash?: string
  provider?: string
  model?: string
}

export interface ConversationSummary {
  conversationId: string
  title: string
  classification: Classification
  createdAt: Date
  lastMessageAt: Date
  messageCount: number
}

export interface StoredMessage {
  messageId: string
  role: 'user' | 'assistant'
  text: string
  citations: StoredCitation[]
  classification: Classification
  createdAt: Date
  provider: string | null
  model: string | null
  promptVersion: string | null
}

export interface ConversationDetail {
  conversationId: string
  title: string
  classification: Classification
  messages: StoredMessage[]
}
