import { Router } from 'express'
import type { Principal } from '../auth/principal.ts'
import type { TranscriptDeps } from '../transcripts/transcript-types.ts'
import { exportFileName, presentErasure, presentExport } from './privacy.presenter.ts'
import { deleteMyData, exportMyData } from './privacy.service.ts'

/**
 * Data-subject rights for any signed-in user (access matrix: 'authenticated'; the guard requires the CSRF token for
 * cookie-authenticated DELETE). Neither route takes input: the subject is always the caller.
 */
export function privacyRoutes(deps: TranscriptDeps): Router {
  const router = Router()
  router.get('/api/me/export', async (req, res) => {
    const data = await exportMyData(deps, req.principal as Principal)
    res.set('Content-Disposition', `attachment; filename="${exportFileName(data.exportedAt)}"`)
    res.set('Cache-Control', 'no-store')
    res.type('application/json').send(JSON.stringify(presentExport(data), null, 2))
  })
  router.delete('/api/me/data', async (req, res) => {
    res.set('Cache-Control', 'no-store')
    res.json(presentErasure(await deleteMyData(deps, req.principal as Principal)))
  })
  return router
}
