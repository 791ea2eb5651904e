import os from 'node:os'
import { Worker } from 'node:worker_threads'
import { AppError } from '../server/errors.ts'
import { prepareContent, type PrepareTask, type PreparedContent } from './prepare.ts'
import type { PrepareRequest, PrepareResponse, SerializedError } from './prepare-worker.ts'

/** Parses, scans and chunks files off the calling thread (or on it, with size 0). */
export interface PreparePool {
  readonly size: number
  /** Rejects with {@link NotStartedError} when `signal` is aborted before the task reaches a worker. */
  run(task: PrepareTask, signal?: AbortSignal): Promise<PreparedContent>
  close(): Promise<void>
}

/** A task dropped from the queue because its run was aborted before it started. */
export class NotStartedError extends Error {
  constructor() {
    super('not started: the run was stopped')
    this.name = 'NotStartedError'
  }
}

/**
 * Default worker count: one per core beyond the first, at least one. The calling thread keeps hashing, embedding
 * and the database writes, and the database itself needs a core, so more workers than cores only adds switching.
 */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(4, os.availableParallelism() - 1))
}

// The code runs through tsx: a worker thread does not inherit the parent's loader hooks, so it registers them first.
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then(({ register }) => { register(); return import(workerData.entry) });
`

interface Slot {
  worker: Worker
  ready: boolean
  /** Tasks posted to the worker, which runs them one after another. */
  posted: Map<number, { resolve: (v: PreparedContent) => void; reject: (e: unknown) => void }>
}

/**
 * Tasks posted to each worker ahead of time: the next file is already there when one finishes, even while this thread
 * is busy (embedded PGlite runs its queries here) and cannot hand out work.
 */
const POSTED_PER_WORKER = 2

/**
 * A fixed pool of worker threads running {@link prepareContent}; tasks queue in submission order. A worker that dies
 * (a parser crashing the thread) fails only the tasks posted to it and is replaced; a worker that cannot even start fails
 * the pool, rather than respawning forever. Rejections come back as AppErrors with their codes, so the caller tells
 * a bad file from a broken pipeline exactly as it would on one thread.
 */
export function createPreparePool(size: number): PreparePool {
  if (!Number.isInteger(size) || size < 0) throw new RangeError('worker count must be a non-negative integer')
  if (size === 0) {
    // On this thread, one task at a time in submission order, like a pool of one: a later file waits rather than
    // interleaving with earlier ones, so the earliest files reach the writer first and an abort finds the rest
    // unstarted. Each task first yields to the event loop: parsing and scanning settle as microtasks, and without the
    // yield a long queue would hold off database replies (and signals) until all of it was done.
    let tail: Promise<unknown> = Promise.resolve()
    const turn = () => new Promise<void>((resolve) => setImmediate(resolve))
    return {
      size,
      run(task, signal) {
        const result = tail.then(turn).then(() => (signal?.aborted ? Promise.reject(new NotStartedError()) : prepareContent(task)))
        tail = result.catch(() => undefined)
        return result
      },
      close: async () => undefined,
    }
  }

  const queue: Array<{ task: PrepareTask; signal: AbortSignal | undefined; resolve: (v: PreparedContent) => void; reject: (e: unknown) => void }> = []
  let nextId = 0
  let broken: Error | undefined
  const spawn = (): Slot => {
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { tsx: import.meta.resolve('tsx/esm/api'), entry: new URL('./prepare-worker.ts', import.meta.url).href },
    })
    const slot: Slot = { worker, ready: false, posted: new Map() }
    worker.on('message', (m: PrepareResponse | 'ready') => {
      if (m === 'ready') {
        slot.ready = true
        return pump()
      }
      const job = slot.posted.get(m.id)
      if (!job) return
      slot.posted.delete(m.id)
      if (m.ok) job.resolve(m.value)
      else job.reject(deserialize(m.error))
      pump()
    })
    let gone = false
    const lost = (err: unknown) => {
      if (gone) return
      gone = true
      const error = err instanceof Error ? err : new Error('a prepare worker stopped')
      for (const job of slot.posted.values()) job.reject(error)
      slot.posted.clear()
      const i = slots.indexOf(slot)
      if (i < 0 || broken) return
      if (!slot.ready) {
        broken = new Error(`the prepare workers cannot start: ${error.message}`)
        for (const job of queue.splice(0)) job.reject(broken)
        return
      }
      slots[i] = spawn()
    }
    worker.on('error', lost)
    worker.on('exit', (code) => lost(new Error(`a prepare worker exited with code ${code}`)))
    return slot
  }
  const slots: Slot[] = Array.from({ length: size }, spawn)

  function pump() {
    for (let round = 0; round < POSTED_PER_WORKER; round++) {
      for (const slot of slots) {
        if (!slot.ready || slot.posted.size > round) continue
        let job = queue.shift()
        while (job?.signal?.aborted) {
          job.reject(new NotStartedError())
          job = queue.shift()
        }
        if (!job) return
        const id = nextId++
        slot.posted.set(id, { resolve: job.resolve, reject: job.reject })
        slot.worker.postMessage({ id, task: job.task } satisfies PrepareRequest)
      }
    }
  }

  return {
    size,
    run(task, signal) {
      if (broken) return Promise.reject(broken)
      return new Promise<PreparedContent>((resolve, reject) => {
        queue.push({ task, signal, resolve, reject })
        pump()
      })
    },
    async close() {
      broken ??= new Error('the prepare pool is closed')
      for (const job of queue.splice(0)) job.reject(broken)
      await Promise.all(slots.map((s) => s.worker.terminate()))
    },
  }
}

function deserialize(e: SerializedError): Error {
  if (e.code !== undefined) return new AppError(e.code, e.message, { status: e.status ?? 500 })
  return new Error(e.message)
}
