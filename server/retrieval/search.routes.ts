import { Router } from 'express'
import { z } from 'zod'
import { recordAudit } from '../audit/audit.service.ts'
import type { Principal } from '../auth/principal.ts'
import type { Database } from '../db/pool.ts'
import { parseInput } from '../http/validate.ts'
import type { Embedder } from '../llm/embeddings.ts'
import { observeRetrieval } from '../metrics/metrics.ts'
import { POLICY_VERSION } from '../policy/rule.ts'
import { MAX_K } from './options.ts'
import { MAX_QUERY_CHARS, searchChunks, type SearchHit } from './search.service.ts'

/** Strict: an unknown parameter is refused, so nothing in the query string can widen or steer access. */
const searchQuery = z.strictObject({
  q: z.string().trim().min(1, 'must not be empty').max(MAX_QUERY_CHARS, `at most ${MAX_QUERY_CHARS} characters`),
  k: z.coerce.number().int().min(1).max(MAX_K).optional(),
})

/** GET /api/search: the permitted passages that best match `q`. The decision is audited without the query text. */
export function searchRoutes(deps: { db: Database; embedder: Embedder }): Router {
  const router = Router()
  router.get('/api/search', async (req, res) => {
    const input = parseInput(searchQuery, req.query, 'query')
    const principal = req.principal as Principal
    const started = performance.now()
    const found = await searchChunks(deps.db, principal, {
      text: input.q,
      embedding: await deps.embedder.embedQuery(input.q),
      dimensions: deps.embedder.dimensions,
      ...(input.k === undefined ? {} : { k: input.k }),
    })
    observeRetrieval(found.route, performance.now() - started)
    await recordAudit(deps.db, principal.tenantId, {
      type: 'retrieval.decision',
      actor: principal.userId,
      outcome: 'success',
      data: {
        policyVersion: POLICY_VERSION,
        chunkIds: found.results.map((r) => r.chunkId),
        candidatesDenied: found.candidatesDenied,
        route: found.route,
      },
    })
    res.json({ results: found.results.map(present) })
  })
  return router
}

function present(hit: SearchHit) {
  return {
    documentId: hit.documentId,
    chunkId: hit.chunkId,
    title: hit.title,
    classification: hit.classification,
    departments: hit.departments,
    text: hit.text,
    score: hit.score,
    page: hit.page,
  }
}
