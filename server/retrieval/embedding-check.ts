import { SYSTEM_TENANT } from '../audit/event.ts'
import type { Database } from '../db/pool.ts'
import { withOwner, withTenant } from '../db/tx.ts'
import type { Embedder } from '../llm/embeddings.ts'
import { embeddingColumnDimensions, listTenantIds, otherEmbeddingModel } from './embedding-status.repo.ts'

/** Raised at start when stored vectors do not match the configured embedder; main.ts prints it as one line. */
export class EmbeddingMismatchError extends Error {
  readonly code = 'embedding_mismatch'
  constructor(detail: string) {
    super(
      `${detail}. Vectors from different models or sizes are not comparable, so search would return wrong results. ` +
        `Run \`npm run reembed\` to re-embed every chunk with the configured embedder (EMBEDDINGS_*), or restore ` +
        `the previous embedding settings.`,
    )
    this.name = 'EmbeddingMismatchError'
  }
}

/**
 * Start-up check: the chunks.embedding column has the configured dimensions and no stored chunk was embedded by
 * another model. Throws {@link EmbeddingMismatchError} naming `npm run reembed` otherwise.
 *
 * Tenants are listed by the worker role and each is checked by the ingest role (which may read embedding_model but
 * not text), so the check sees every row whether or not the schema owner bypasses row-level security.
 */
export async function checkEmbeddings(db: Database, embedder: Embedder): Promise<void> {
  const columnDimensions = await withOwner(db, (tx) => embeddingColumnDimensions(tx))
  if (columnDimensions !== embedder.dimensions) {
    throw new EmbeddingMismatchError(
      `the chunks.embedding column holds ${columnDimensions ?? 'unsized'} dimensions but EMBEDDINGS_DIMENSIONS is ` +
        `${embedder.dimensions}`,
    )
  }
  const tenants = await withTenant(db, SYSTEM_TENANT, 'worker', (tx) => listTenantIds(tx))
  for (const tenantId of tenants) {
    const other = await withTenant(db, tenantId, 'ingest', (tx) => otherEmbeddingModel(tx, tenantId, embedder.model))
    if (other !== null) {
      throw new EmbeddingMismatchError(
        `tenant ${tenantId} has chunks embedded with model ${other}, but the configured embedder is ${embedder.model}`,
      )
    }
  }
}
