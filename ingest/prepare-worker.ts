import { parentPort } from 'node:worker_threads'
import { AppError } from '../server/errors.ts'
import { prepareContent, type PrepareTask } from './prepare.ts'

/** Worker-thread side of ingest/prepare-pool.ts: tasks run one at a time, answered by id. */
export interface PrepareRequest {
  id: number
  task: PrepareTask
}

/** Only what a rejection needs crosses back: the stable code, the message written to be shown, the status. */
export interface SerializedError {
  code: string | undefined
  message: string
  status: number | undefined
}

export type PrepareResponse =
  | { id: number; ok: true; value: Awaited<ReturnType<typeof prepareContent>> }
  | { id: number; ok: false; error: SerializedError }

const port = parentPort
if (port) {
  // One task at a time, in the order posted: the pool posts the next file early, not to run files side by side.
  let queue: Promise<void> = Promise.resolve()
  const answer = async ({ id, task }: PrepareRequest) => {
    let response: PrepareResponse
    try {
      response = { id, ok: true, value: await prepareContent(task) }
    } catch (err) {
      response = { id, ok: false, error: serialize(err) }
    }
    port.postMessage(response)
  }
  port.on('message', (request: PrepareRequest) => {
    // Whatever happens to one task, the ones after it still run and every task gets an answer.
    queue = queue.then(() => answer(request)).catch((err: unknown) => {
      port.postMessage({ id: request.id, ok: false, error: serialize(err) } satisfies PrepareResponse)
    })
  })
  port.postMessage('ready')
}

function serialize(err: unknown): SerializedError {
  if (err instanceof AppError) return { code: err.code, message: err.message, status: err.status }
  return { code: undefined, message: (err as Error)?.message ?? String(err), status: undefined }
}
