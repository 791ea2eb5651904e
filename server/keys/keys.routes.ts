import { Router, type Request, type Response } from 'express'
import type { Principal } from '../auth/principal.ts'
import { parseInput } from '../http/validate.ts'
import { presentKeyStatus, presentRewrap, presentRotation } from './keys.presenter.ts'
import { noBody, noQuery } from './keys.schema.ts'
import { rotateKey, tenantKeyStatus, type KeyServiceDeps } from './keys.service.ts'
import { rewrapKeys } from './rewrap.service.ts'

/** Rows per rewrap transaction, as the CLI's default. */
const REWRAP_BATCH = 500
/** One request re-encrypts for at most this long; the answer says `complete: false` and the admin runs it again. */
const REWRAP_BUDGET_MS = 10_000

/** Stops the work when the client goes away or the time budget is spent; batches already committed stay done. */
function budget(res: Response): AbortSignal {
  const gone = new AbortController()
  res.on('close', () => {
    if (!res.writableEnded) gone.abort()
  })
  return AbortSignal.any([gone.signal, AbortSignal.timeout(REWRAP_BUDGET_MS)])
}

/**
 * Transcript key status, rotation and re-encryption of the admin's own tenant (the same operations as
 * `npm run keys`, without shredding, which stays a command-line decision). The access matrix limits these routes
 * to admins with a fresh MFA login; the guard checks CSRF for cookie sessions; the tenant comes from the principal.
 */
export function keyRoutes(deps: KeyServiceDeps): Router {
  const router = Router()
  // Every key route: no query, no body, and the admin's own tenant.
  const admin = (req: Request) => {
    parseInput(noQuery, req.query, 'query')
    parseInput(noBody, req.body, 'body')
    return req.principal as Principal
  }

  router.get('/api/admin/keys', async (req, res) => {
    res.set('Cache-Control', 'no-store')
    res.json(presentKeyStatus(await tenantKeyStatus(deps.db, admin(req).tenantId), deps.keyring.provider))
  })
  router.post('/api/admin/keys/rotate', async (req, res) => {
    const { tenantId, userId } = admin(req)
    res.json(presentRotation(await rotateKey(deps, tenantId, userId)))
  })
  router.post('/api/admin/keys/rewrap', async (req, res) => {
    const { tenantId, userId } = admin(req)
    res.json(presentRewrap(await rewrapKeys(deps, tenantId, userId, { batchSize: REWRAP_BATCH, signal: budget(res) })))
  })
  return router
}
