import type { Config } from '../config.ts'
import type { Embedder } from './embeddings.ts'
import { LocalHashEmbedder } from './local-embedder.ts'
import { OpenAIEmbedder } from './openai-embedder.ts'

/**
 * The configured embedder. The server (query embedding), the ingest pipeline and `npm run reembed` all build it
 * here, so documents and queries cannot end up in different vector spaces through differing construction.
 */
export function createEmbedder(config: Pick<Config, 'embeddings'>): Embedder {
  const e = config.embeddings
  if (e.provider === 'local') return new LocalHashEmbedder({ dimensions: e.dimensions })
  if (!e.apiKey) throw new RangeError('EMBEDDINGS_API_KEY is required with EMBEDDINGS_PROVIDER=openai')
  return new OpenAIEmbedder({
    baseURL: e.baseUrl,
    model: e.model,
    apiKey: e.apiKey,
    dimensions: e.dimensions,
    batchSize: e.batchSize,
  })
}
