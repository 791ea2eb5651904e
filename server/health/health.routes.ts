import { Router } from 'express'
import type { Database } from '../db/pool.ts'
import { migrationStatus } from '../db/migrate.ts'

/** Liveness answers without touching dependencies; readiness proves the database answers and the schema is current. */
export function healthRoutes(db: Database): Router {
  const router = Router()
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' })
  })
  router.get('/readyz', async (req, res) => {
    try {
      const migrations = await migrationStatus(db.pool)
      const { rows } = await db.pool.query<{ extversion: string }>(
        `SELECT extversion FROM pg_extension WHERE extname = 'vector'`,
      )
      const ready = migrations.current && rows.length === 1
      res.status(ready ? 200 : 503).json({
        status: ready ? 'ready' : 'not_ready',
        database: { engine: db.engine, reachable: true },
        migrations,
        pgvector: rows[0]?.extversion ?? null,
      })
    } catch (err) {
      req.log.warn({ err: { message: (err as Error).message } }, 'readiness check failed')
      res.status(503).json({ status: 'not_ready', database: { engine: db.engine, reachable: false } })
    }
  })
  return router
}
