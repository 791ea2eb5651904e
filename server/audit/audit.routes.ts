import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Router, type Request } from 'express'
import type { Principal } from '../auth/principal.ts'
import { parseInput } from '../http/validate.ts'
import { presentEvent, presentVerification } from './audit.presenter.ts'
import { exportAuditQuery, listAuditQuery, verifyAuditQuery } from './audit.schema.ts'
import { listAuditEvents, startAuditExport, verifyAuditLog, type AuditorDeps } from './auditor.service.ts'
import type { AuditRecord } from './events.repo.ts'
import { toOcsf } from './ocsf.ts'

/**
 * The auditor's read-only access to the audit log of their own tenant. The access matrix limits these routes to
 * the auditor role; the tenant comes only from the verified principal. Every call is itself audited (audit.read,
 * audit.export, audit.verify). Events hold ids, codes and counts only, so nothing here can show a prompt, an
 * answer or a document.
 *
 * - GET /api/admin/audit: newest first, `limit` 1..500 (default 100), `nextCursor` for the next (older) page.
 * - GET /api/admin/audit/export: NDJSON, one OCSF 1.3 event per line (ocsf.ts), oldest first, streamed.
 * - GET /api/admin/audit/verify: the tenant's chain and checkpoint signatures, checked now.
 */
export function auditRoutes(deps: AuditorDeps): Router {
  const router = Router()
  const auditor = (req: Request) => req.principal as Principal

  router.get('/api/admin/audit', async (req, res) => {
    const q = parseInput(listAuditQuery, req.query, 'query')
    const page = await listAuditEvents(deps, auditor(req), q)
    res.set('Cache-Control', 'no-store').json({ events: page.events.map(presentEvent), nextCursor: page.nextCursor })
  })

  router.get('/api/admin/audit/export', async (req, res) => {
    const q = parseInput(exportAuditQuery, req.query, 'query')
    const { tenantId } = auditor(req)
    const rows = await startAuditExport(deps, auditor(req), q)
    // The first batch is read before the headers go out, so a failing database still gets a JSON error answer.
    const first = await rows.next()
    res.status(200).set({
      'Content-Type': 'application/x-ndjson; charset=utf-8',
      'Content-Disposition': `attachment; filename="strongroom-audit-${tenantId}.ndjson"`,
      'Cache-Control': 'no-store',
    })
    try {
      // pipeline() waits for the socket to drain between lines and stops reading the table when the client goes.
      await pipeline(Readable.from(ndjson(tenantId, first, rows)), res)
    } catch (err) {
      // Headers are gone: a cut-off stream (no final chunk) is the only way left to tell the client it failed.
      if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') req.log.error({ err }, 'audit export failed')
      res.destroy()
    }
  })

  router.get('/api/admin/audit/verify', async (req, res) => {
    parseInput(verifyAuditQuery, req.query, 'query')
    res.set('Cache-Control', 'no-store').json(presentVerification(await verifyAuditLog(deps, auditor(req))))
  })
  return router
}

async function* ndjson(tenantId: string, first: IteratorResult<AuditRecord>, rest: AsyncGenerator<AuditRecord>): AsyncGenerator<string> {
  if (first.done) return
  yield `${JSON.stringify(toOcsf(tenantId, first.value))}\n`
  for await (const row of rest) yield `${JSON.stringify(toOcsf(tenantId, row))}\n`
}
