import { BatchWriter } from './batch-writer.ts'
import { checkInput, embedDocument, prepareTask, rejectOrThrow, storedResult, unchangedResult } from './pipeline.ts'
import { createPreparePool, defaultWorkerCount, NotStartedError, type PreparePool } from './prepare-pool.ts'
import { SourceLookups } from './source-lookups.ts'
import type { IngestDeps, IngestInput, IngestResult } from './types.ts'

export interface IngestManyOptions {
  /** Worker threads that parse, scan and chunk; 0 runs that work on this thread. Default {@link defaultWorkerCount}. */
  workers?: number
  /** A pool the caller started early (and closes itself); `workers` is then ignored. */
  pool?: PreparePool
  /** Chunks per write transaction. Default 1000. */
  batchChunks?: number
  /** Write transactions in flight at once. Default 1 on embedded PGlite (one backend), 2 on a server. */
  writers?: number
  /**
   * Stops the run: files whose parsing has not started are left alone (no outcome is reported for them); files being
   * parsed or written finish, or fail, normally.
   */
  signal?: AbortSignal
  /** Called once per item as soon as its outcome is known (not in input order). */
  onResult?: (outcome: ItemOutcome<unknown>) => void
}

export type ItemOutcome<T> =
  | { item: T; source: string | undefined; result: IngestResult; error?: undefined }
  | { item: T; source: string | undefined; result?: undefined; error: unknown }

const DEFAULT_BATCH_CHUNKS = 1000
/** Bytes of input in flight (read but not yet stored); a larger single file still runs, alone. */
const IN_FLIGHT_BYTES = 64 * 1024 * 1024
/** Every document counts at least this much, which also bounds how many small documents are in flight (512). */
const MIN_ITEM_WEIGHT = 128 * 1024
/** Files admitted between yields to the event loop, so work on the first ones starts while later ones are read. */
const ADMIT_BETWEEN_YIELDS = 64

/**
 * Ingests many files with the guarantees of {@link ingestFile} for each one, pipelined and batched:
 *
 * - the main thread reads, validates and hashes each file, and checks the stored version for many files in one
 *   transaction (dedupe by content hash: an unchanged file is never parsed);
 * - worker threads parse, scan, redact and chunk (ingest/prepare.ts); scanning still precedes storage;
 * - the main thread embeds, and a writer stores documents in batches of about `batchChunks` chunks, ONE transaction
 *   per batch (ingest/store.ts), with each document's audit entries inside it, while the workers go on with the
 *   next files. If a batch fails, its documents are retried each in a transaction of its own, so one bad document
 *   fails alone and every document is still stored whole or not at all.
 *
 * `load` turns an item into its input (the CLI reads the file there); an exception from it fails that item only.
 * Rejections (4xx) are audited and reported as `rejected`; other failures are reported as `error`.
 */
export async function ingestMany<T>(
  deps: IngestDeps,
  items: Iterable<T>,
  load: (item: T) => IngestInput,
  opts: IngestManyOptions = {},
): Promise<Array<ItemOutcome<T>>> {
  const now = deps.now ?? (() => new Date())
  const pool = opts.pool ?? createPreparePool(opts.workers ?? defaultWorkerCount())
  const writer = new BatchWriter(deps, opts.batchChunks ?? DEFAULT_BATCH_CHUNKS, opts.writers ?? (deps.db.engine === 'pglite' ? 1 : 2), now)
  const lookups = new SourceLookups(deps)
  const budget = new Budget(IN_FLIGHT_BYTES)
  const outcomes: Array<ItemOutcome<T>> = []
  const running = new Set<Promise<void>>()
  const report = (o: ItemOutcome<T>) => {
    outcomes.push(o)
    opts.onResult?.(o as ItemOutcome<unknown>)
  }

  const one = async (item: T, input: IngestInput, weight: number) => {
    try {
      const result = await ingestOne(input)
      report({ item, source: input.source, result })
    } catch (error) {
      if (!(error instanceof NotStartedError)) report({ item, source: input.source, error })
    } finally {
      budget.release(weight)
    }
  }
  const ingestOne = async (input: IngestInput): Promise<IngestResult> => {
    writer.preparing++
    let handedOver = false
    try {
      const checked = checkInput(deps, input)
      const early = await lookups.get(input.tenantId, input.source)
      const unchanged = unchangedResult(early.existing, checked)
      if (unchanged) return unchanged
      const content = await pool.run(prepareTask(deps, input, checked.attrs, early.policy), opts.signal)
      const doc = await embedDocument(deps, input, checked, content)
      writer.preparing--
      handedOver = true
      return storedResult(await writer.store(input.tenantId, doc), content)
    } catch (err) {
      if (err instanceof NotStartedError) throw err
      return await rejectOrThrow(deps, input, err, now)
    } finally {
      if (!handedOver) {
        writer.preparing--
        writer.maybeFlush()
      }
    }
  }

  try {
    let admitted = 0
    for (const item of items) {
      if (++admitted % ADMIT_BETWEEN_YIELDS === 0) await new Promise<void>((resolve) => setImmediate(resolve))
      if (opts.signal?.aborted) break
      let input: IngestInput
      try {
        input = load(item)
      } catch (error) {
        report({ item, source: undefined, error })
        continue
      }
      const weight = Math.min(IN_FLIGHT_BYTES, Math.max(MIN_ITEM_WEIGHT, input.bytes.length))
      await budget.acquire(weight)
      const p = one(item, input, weight)
      running.add(p)
      void p.finally(() => running.delete(p))
    }
    await Promise.all(running)
  } finally {
    if (!opts.pool) await pool.close()
  }
  return outcomes
}

/** A counting semaphore over bytes. */
class Budget {
  private available: number
  private waiters: Array<{ n: number; resolve: () => void }> = []
  constructor(total: number) {
    this.available = total
  }

  acquire(n: number): Promise<void> {
    if (this.waiters.length === 0 && this.available >= n) {
      this.available -= n
      return Promise.resolve()
    }
    return new Promise((resolve) => this.waiters.push({ n, resolve }))
  }

  release(n: number) {
    this.available += n
    while (this.waiters.length > 0 && this.available >= (this.waiters[0] as { n: number }).n) {
      const w = this.waiters.shift() as { n: number; resolve: () => void }
      this.available -= w.n
      w.resolve()
    }
  }
}
