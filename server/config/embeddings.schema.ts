import { z } from 'zod'

/** The embedding model used by ingestion and retrieval. */
export const embeddingsEnv = {
  /** local: the offline lexical embedder (no network); openai: any OpenAI-compatible /embeddings endpoint. */
  EMBEDDINGS_PROVIDER: z.enum(['local', 'openai']).default('local'),
  /** Vector length; must match the chunks.embedding column (change it with `npm run reembed`). HNSW allows <= 2000. */
  EMBEDDINGS_DIMENSIONS: z.coerce.number().int().min(2).max(2000).default(384),
  /** Base URL of the OpenAI-compatible API, including the version path (openai provider only). */
  EMBEDDINGS_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.openai.com/v1'),
  /** Embedding model name at that endpoint (openai provider only). */
  EMBEDDINGS_MODEL: z.string().min(1).max(200).default('text-embedding-3-small'),
  /** API key of the embedding endpoint, sent as a bearer token. Required with EMBEDDINGS_PROVIDER=openai; no default. */
  EMBEDDINGS_API_KEY: z.string().min(1).optional(),
  /** Texts per embedding request (and per ingest embedding batch). */
  EMBEDDINGS_BATCH_SIZE: z.coerce.number().int().min(1).max(2048).default(128),
}
