import { AppError } from '../server/errors.ts'
import { storeDocuments, storeEach, type PreparedDocument, type StoreOutcome } from './store.ts'
import type { IngestDeps } from './types.ts'

/** A batch is also written when it reaches this many documents, whatever their chunks. */
const MAX_BATCH_DOCUMENTS = 500

interface Waiting {
  doc: PreparedDocument
  resolve: (o: StoreOutcome) => void
  reject: (e: unknown) => void
}

interface Batch {
  tenantId: string
  docs: Waiting[]
  chunks: number
  /** Flushes this batch must wait for: earlier batches holding one of its sources, so the later input wins. */
  after: Array<Promise<void>>
  /** Settles when this batch's writes are over (committed or not); set when the batch is closed. */
  settled?: Promise<void>
  settle?: () => void
}

/**
 * Groups prepared documents into write batches (per tenant) and keeps at most `writers` batch transactions in flight.
 * A batch is written when it holds `batchChunks` chunks, or MAX_BATCH_DOCUMENTS documents, or when no document is
 * still being prepared (nothing more would join it soon).
 */
export class BatchWriter {
  /** Documents between admission and the writer; maintained by ingestMany. */
  preparing = 0
  private open = new Map<string, Batch>()
  private flushing = 0
  private ready: Batch[] = []
  private inFlightSources = new Map<string, Promise<void>>()

  constructor(
    private readonly deps: IngestDeps,
    private readonly batchChunks: number,
    private readonly writers: number,
    private readonly now: () => Date,
  ) {
    if (!Number.isInteger(batchChunks) || batchChunks < 1) throw new RangeError('batchChunks must be a positive integer')
    if (!Number.isInteger(writers) || writers < 1) throw new RangeError('writers must be a positive integer')
  }

  store(tenantId: string, doc: PreparedDocument): Promise<StoreOutcome> {
    return new Promise((resolve, reject) => {
      let batch = this.open.get(tenantId)
      if (batch && batch.docs.some((w) => w.doc.source === doc.source)) {
        this.close(batch)
        batch = undefined
      }
      if (!batch) {
        batch = { tenantId, docs: [], chunks: 0, after: [] }
        this.open.set(tenantId, batch)
      }
      const earlier = this.inFlightSources.get(sourceKey(tenantId, doc.source))
      if (earlier) batch.after.push(earlier)
      batch.docs.push({ doc, resolve, reject })
      batch.chunks += doc.content.chunks.length
      if (batch.chunks >= this.batchChunks || batch.docs.length >= MAX_BATCH_DOCUMENTS) this.close(batch)
      this.maybeFlush()
    })
  }

  /** Writes what is waiting when nothing else can make progress, and starts ready batches while writers are free. */
  maybeFlush() {
    if (this.preparing === 0) for (const batch of [...this.open.values()]) this.close(batch)
    while (this.flushing < this.writers && this.ready.length > 0) void this.flush(this.ready.shift() as Batch)
  }

  private close(batch: Batch) {
    this.open.delete(batch.tenantId)
    this.ready.push(batch)
    const settled = new Promise<void>((resolve) => (batch.settle = resolve))
    batch.settled = settled
    for (const w of batch.docs) this.inFlightSources.set(sourceKey(batch.tenantId, w.doc.source), settled)
  }

  private async flush(batch: Batch) {
    this.flushing++
    try {
      await Promise.all(batch.after)
      const docs = batch.docs.map((w) => w.doc)
      let outcomes: StoreOutcome[] | undefined
      try {
        outcomes = await storeDocuments(this.deps.db, batch.tenantId, this.deps.embedder, docs, this.now())
      } catch (err) {
        if (batch.docs.length === 1) {
          batch.docs[0]?.reject(err)
          return
        }
      }
      if (outcomes) {
        batch.docs.forEach((w, i) => w.resolve(outcomes[i] as StoreOutcome))
        return
      }
      const each = await storeEach(this.deps.db, batch.tenantId, this.deps.embedder, docs, this.now())
      batch.docs.forEach((w, i) => {
        const r = each[i]
        if (r?.ok) w.resolve(r.outcome)
        else w.reject(r ? r.error : new AppError('store_failed', 'the document was not stored'))
      })
    } finally {
      for (const w of batch.docs) {
        const key = sourceKey(batch.tenantId, w.doc.source)
        if (this.inFlightSources.get(key) === batch.settled) this.inFlightSources.delete(key)
      }
      batch.settle?.()
      this.flushing--
      this.maybeFlush()
    }
  }
}

function sourceKey(tenantId: string, source: string): string {
  return `${tenantId}\u0000${source}`
}
