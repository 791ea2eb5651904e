import { Router } from 'express'
import { hasFreshMfa, type Principal } from './principal.ts'

/** GET /api/me: the caller's attributes as the server sees them, plus the CSRF token for cookie sessions. */
export function meRoutes(stepUpMaxAgeSeconds: number): Router {
  const router = Router()
  router.get('/api/me', (req, res) => {
    const p = req.principal as Principal
    res.json({
      userId: p.userId,
      tenantId: p.tenantId,
      clearance: p.clearance,
      departments: p.departments,
      groups: p.groups,
      roles: p.roles,
      authTime: p.authTime,
      amr: p.amr,
      mfaFresh: hasFreshMfa(p, stepUpMaxAgeSeconds),
      authMethod: req.authMethod,
      ...(req.authMethod === 'session' ? { csrfToken: req.csrfToken } : {}),
    })
  })
  return router
}
