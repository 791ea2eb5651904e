import { Router } from 'express'
import type { Principal } from '../auth/principal.ts'
import { parseInput } from '../http/validate.ts'
import type { TranscriptDeps } from '../transcripts/index.ts'
import { presentConversation, presentSummary } from './chat.presenter.ts'
import { conversationListSchema, conversationParamsSchema } from './chat.schema.ts'
import { listOwnConversations, readConversation, removeConversation } from './conversations.service.ts'

/** GET /api/conversations, GET and DELETE /api/conversations/:id: the caller's own conversations only. */
export function conversationRoutes(deps: TranscriptDeps): Router {
  const router = Router()
  router.get('/api/conversations', async (req, res) => {
    const q = parseInput(conversationListSchema, { ...req.query }, 'query')
    const page = await listOwnConversations(deps, req.principal as Principal, q)
    res.json({ conversations: page.items.map(presentSummary), nextBefore: page.nextBefore })
  })
  router.get('/api/conversations/:id', async (req, res) => {
    const { id } = parseInput(conversationParamsSchema, { ...req.params }, 'id')
    const { detail, withheld } = await readConversation(deps, req.principal as Principal, id)
    res.json(presentConversation(detail, withheld))
  })
  router.delete('/api/conversations/:id', async (req, res) => {
    const { id } = parseInput(conversationParamsSchema, { ...req.params }, 'id')
    await removeConversation(deps, req.principal as Principal, id)
    res.status(204).end()
  })
  return router
}
