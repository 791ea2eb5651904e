import type { Request, Response } from 'express'
import { AppError } from '../errors.ts'

/**
 * Server-sent events for one chat answer. Headers are sent on the first event, so anything that fails before the
 * first releasable text (validation, limits, a provider timeout) is still an ordinary JSON error with its status.
 * Events: `token` {text}, `replace` {text} (the guarded final answer supersedes what was streamed), `done` (the
 * same body as the JSON response, authoritative) and `error` {code, message, requestId}.
 */
export function sse(req: Request, res: Response) {
  let opened = false
  const open = () => {
    res.status(200)
    res.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' })
    res.flushHeaders()
    opened = true
  }
  return {
    get opened() {
      return opened
    },
    send(event: 'token' | 'replace' | 'done' | 'error', data: unknown) {
      // The client may be gone (its request was aborted): nothing to write to.
      if (res.destroyed || res.writableEnded) return
      if (!opened) open()
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    },
    /** After the stream opened, an error becomes an `error` event; unexpected ones are logged, not shown. */
    fail(err: unknown) {
      const shown = err instanceof AppError && err.expose
      if (!shown) req.log.error({ err }, 'chat stream failed')
      this.send('error', shown
        ? { code: err.code, message: err.message, requestId: req.id }
        : { code: 'internal_error', message: 'internal error', requestId: req.id })
      if (!res.writableEnded) res.end()
    },
  }
}

export function wantsEventStream(req: Request): boolean {
  return (req.get('accept') ?? '').toLowerCase().includes('text/event-stream')
}
