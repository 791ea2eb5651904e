import type { Principal } from '../auth/principal.ts'
import type { Config } from '../config.ts'
import type { Database } from '../db/pool.ts'
import type { Embedder } from '../llm/embeddings.ts'
import { MAX_QUERY_CHARS, searchChunks, type SearchResult } from '../retrieval/search.service.ts'
import { withPlaceholders } from './guards/pii-placeholders.ts'

/** Passages retrieved per question; the relevance threshold then decides which are used. */
export const CHAT_K = 6

/**
 * Permitted passages for a question. The query vector comes from the configured embedder: when that is a remote
 * API, it receives the question with personal data replaced by placeholders, like the chat model. Full-text search
 * runs in our own database and gets the question as typed.
 */
export async function retrieve(deps: { db: Database; embedder: Embedder; config: Config }, principal: Principal, question: string): Promise<SearchResult> {
  const forEmbedding = deps.config.embeddings.provider === 'local' ? question : (withPlaceholders([question]).texts[0] as string)
  const embedding = await deps.embedder.embedQuery(forEmbedding)
  return searchChunks(deps.db, principal, { text: question.slice(0, MAX_QUERY_CHARS), embedding, dimensions: deps.embedder.dimensions, k: CHAT_K })
}
