import { Router } from 'express'
import type { Principal } from '../auth/principal.ts'
import { parseInput } from '../http/validate.ts'
import { presentHold, presentRules } from './retention.presenter.ts'
import { holdIdParams, listHoldsQuery, placeHoldBody, putRetentionBody } from './retention.schema.ts'
import {
  getRetention, listLegalHolds, placeLegalHold, putRetention, releaseLegalHold, type RetentionDeps,
} from './retention.service.ts'

/**
 * Retention rules and legal holds of the admin's own tenant. The access matrix limits these routes to admins with
 * a fresh multi-factor login (stepUp) and the guard checks CSRF for cookie sessions; the tenant comes only from
 * the principal.
 */
export function retentionRoutes(deps: RetentionDeps): Router {
  const router = Router()
  const admin = (req: { principal?: Principal }) => req.principal as Principal

  router.get('/api/admin/retention', async (req, res) => {
    res.json(presentRules(await getRetention(deps, admin(req))))
  })
  router.put('/api/admin/retention', async (req, res) => {
    const body = parseInput(putRetentionBody, req.body, 'body')
    res.json(presentRules(await putRetention(deps, admin(req), body.rules)))
  })
  router.get('/api/admin/legal-holds', async (req, res) => {
    const query = parseInput(listHoldsQuery, req.query, 'query')
    const holds = await listLegalHolds(deps.db, admin(req), { includeReleased: query.includeReleased === 'true' })
    res.json({ holds: holds.map(presentHold) })
  })
  router.post('/api/admin/legal-holds', async (req, res) => {
    const body = parseInput(placeHoldBody, req.body, 'body')
    res.status(201).json(presentHold(await placeLegalHold(deps.db, admin(req), body)))
  })
  router.post('/api/admin/legal-holds/:id/release', async (req, res) => {
    const { id } = parseInput(holdIdParams, req.params, 'path')
    res.json(presentHold(await releaseLegalHold(deps.db, admin(req), id)))
  })
  return router
}
