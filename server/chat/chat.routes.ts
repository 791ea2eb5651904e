import { Router, type Response } from 'express'
import type { Principal } from '../auth/principal.ts'
import { createRateLimits, type RateLimits } from '../http/rate-limit.ts'
import { parseInput } from '../http/validate.ts'
import { chatServiceDeps, type ChatDeps } from './chat.context.ts'
import { presentAnswer } from './chat.presenter.ts'
import { chatBodySchema } from './chat.schema.ts'
import { askQuestion, type ChatServiceDeps } from './chat.service.ts'
import { sse, wantsEventStream } from './chat.sse.ts'

export interface ChatRoutesDeps extends ChatDeps {
  /** The app's rate limiters (shared counters); default: built from config. */
  rateLimits?: RateLimits
}

/** Aborts the model call when the client goes away before the answer is complete; nothing is stored then. */
function clientGone(res: Response): AbortSignal {
  const ctl = new AbortController()
  res.on('close', () => {
    if (!res.writableEnded) ctl.abort()
  })
  return ctl.signal
}

/**
 * POST /api/chat: JSON by default, server-sent events with `Accept: text/event-stream`. The guard has required the
 * employee role; the per-user rate limit (RATE_LIMIT_CHAT_PER_MINUTE, shared in the database) runs first.
 */
export function chatRoutes(deps: ChatRoutesDeps): Router {
  const service: ChatServiceDeps = chatServiceDeps(deps)
  const limits = deps.rateLimits ?? createRateLimits(deps.db, deps.config.rateLimit)
  const router = Router()
  router.post('/api/chat', limits.chat, async (req, res) => {
    const body = parseInput(chatBodySchema, req.body, 'body')
    const principal = req.principal as Principal
    const signal = clientGone(res)
    if (!wantsEventStream(req)) {
      res.json(presentAnswer(await askQuestion(service, principal, body, { signal })))
      return
    }
    const stream = sse(req, res)
    let sent = ''
    try {
      const answer = await askQuestion(service, principal, body, {
        signal,
        onText: (text) => {
          stream.send('token', { text })
          sent += text
        },
      })
      if (!answer.answer.startsWith(sent)) stream.send('replace', { text: answer.answer })
      else if (answer.answer.length > sent.length) stream.send('token', { text: answer.answer.slice(sent.length) })
      stream.send('done', presentAnswer(answer))
      res.end()
    } catch (err) {
      if (!stream.opened) throw err
      stream.fail(err)
    }
  })
  return router
}
