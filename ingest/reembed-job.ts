import type { Database } from '../server/db/pool.ts'
import { withOwner } from '../server/db/tx.ts'
import type { Embedder } from '../server/llm/embeddings.ts'
import { embeddingColumnDimensions } from '../server/retrieval/embedding-status.repo.ts'
import { graphPrecision } from '../server/retrieval/graph-precision.ts'
import { embedInBatches, embeddingInput } from './embed.ts'
import {
  countPending, dropIndex, finishColumn, nextPending, ownerBypassesRls, resizeColumn, writeEmbeddings,
} from './reembed.repo.ts'

export interface ReembedReport {
  model: string
  dimensions: number
  /** Column size before the run; differs from `dimensions` when the column was resized. */
  previousDimensions: number | null
  reembedded: number
}

/** Rows fetched and written per owner transaction; each batch commits on its own, so a crash loses one batch. */
const ROWS_PER_BATCH = 512

/**
 * Re-embeds every chunk whose embedding_model is not the configured embedder's, as the schema owner (it must read
 * chunk text, which no application role may). Resumable: progress is the model column itself, so a re-run skips
 * what is done. A dimension change resizes the column first (vectors become NULL until re-embedded). The HNSW index
 * is dropped while rows change (one index build is much cheaper than maintaining it per update) and rebuilt at the
 * end. Run with the server stopped: until it finishes, stored vectors come from two models.
 */
export async function reembedAll(
  db: Database,
  embedder: Embedder,
  opts: { batchSize: number; rowsPerBatch?: number; onProgress?: (done: number, total: number) => void },
): Promise<ReembedReport> {
  const previousDimensions = await withOwner(db, async (tx) => {
    if (!(await ownerBypassesRls(tx))) {
      throw new Error(
        'reembed must read every tenant\'s chunks: run it with a database role that is a superuser or has ' +
          'BYPASSRLS (DATABASE_MIGRATION_URL), since row-level security is forced on chunks',
      )
    }
    const dims = await embeddingColumnDimensions(tx)
    if (dims !== embedder.dimensions) await resizeColumn(tx, embedder.dimensions)
    return dims
  })
  const total = await withOwner(db, (tx) => countPending(tx, embedder.model))
  if (total > 0) await withOwner(db, (tx) => dropIndex(tx))
  let done = 0
  let after: { tenantId: string; chunkId: string } | null = null
  for (;;) {
    const cursor = after
    const rows = await withOwner(db, (tx) => nextPending(tx, embedder.model, cursor, opts.rowsPerBatch ?? ROWS_PER_BATCH))
    if (rows.length === 0) break
    const vectors = await embedInBatches(
      embedder,
      rows.map((r) => embeddingInput(r.title, r.headingPath, r.text)),
      opts.batchSize,
    )
    await withOwner(db, (tx) =>
      writeEmbeddings(tx, embedder.model, rows.map((r, i) => ({ tenantId: r.tenantId, chunkId: r.chunkId, embedding: vectors[i] as string }))),
    )
    done += rows.length
    opts.onProgress?.(done, total)
    const last = rows[rows.length - 1] as { tenantId: string; chunkId: string }
    after = { tenantId: last.tenantId, chunkId: last.chunkId }
  }
  await withOwner(db, (tx) => finishColumn(tx, graphPrecision(db.engine)))
  return { model: embedder.model, dimensions: embedder.dimensions, previousDimensions, reembedded: done }
}
