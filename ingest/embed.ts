import { toSql } from 'pgvector'
import { AppError } from '../server/errors.ts'
import type { Embedder } from '../server/llm/embeddings.ts'

/**
 * The text a chunk is embedded from: document title and heading path give a short chunk its context (a row of a
 * table under "Q3 forecast" should match a question about the forecast). Ingest and `npm run reembed` both use
 * this, so re-embedding reproduces the vectors ingest would have written.
 */
export function embeddingInput(title: string, headingPath: readonly string[], text: string): string {
  const heading = headingPath.join(' > ')
  return heading === '' ? `${title}\n${text}` : `${title}\n${heading}\n${text}`
}

/**
 * Embeds `texts` in batches of `batchSize` and returns each vector in pgvector's text form (`npm run reembed`). A
 * vector of the wrong length is refused here rather than by the INSERT, with a message that names the configuration.
 */
export async function embedInBatches(embedder: Embedder, texts: readonly string[], batchSize: number): Promise<string[]> {
  const out: string[] = []
  await eachVector(embedder, texts, batchSize, (v) => out.push(toSql(v) as string))
  return out
}

/**
 * Embeds `texts` in batches into one Float32Array, vector after vector (`dimensions` floats each), the form the
 * ingest writer sends in binary (ingest/pg-binary.ts). pgvector stores float4, so nothing is lost here.
 */
export async function embedToFloat32(embedder: Embedder, texts: readonly string[], batchSize: number): Promise<Float32Array> {
  const out = new Float32Array(texts.length * embedder.dimensions)
  let at = 0
  await eachVector(embedder, texts, batchSize, (v) => {
    out.set(v, at)
    at += v.length
  })
  return out
}

async function eachVector(embedder: Embedder, texts: readonly string[], batchSize: number, use: (v: number[]) => void) {
  for (let start = 0; start < texts.length; start += batchSize) {
    const batch = texts.slice(start, start + batchSize)
    const vectors = await embedder.embedDocuments(batch)
    if (vectors.length !== batch.length) {
      throw new AppError('embedding_count_mismatch', 'the embedder returned a different number of vectors', { status: 502 })
    }
    for (const v of vectors) {
      if (v.length !== embedder.dimensions) {
        throw new AppError(
          'embedding_dimension_mismatch',
          `the embedder returned ${v.length} dimensions, expected ${embedder.dimensions} (EMBEDDINGS_DIMENSIONS)`,
          { status: 502 },
        )
      }
      use(v)
    }
  }
}
