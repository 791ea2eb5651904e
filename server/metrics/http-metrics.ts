import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { AppError } from '../errors.ts'
import { routeLabel } from '../http/route-label.ts'
import type { RouteTable } from '../http/route-table.ts'
import { countAuthDenial, observeHttpRequest } from './metrics.ts'

/** Observes every response's latency under its route pattern (never the raw path). */
export function httpMetrics(table: RouteTable) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint()
    res.on('finish', () => {
      observeHttpRequest(req.method, routeLabel(req, table), res.statusCode, Number(process.hrtime.bigint() - started) / 1e9)
    })
    next()
  }
}

/** Wraps the auth guard so each refusal is counted by its error code before the error handler answers it. */
export function countingDenials(guard: RequestHandler): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      await guard(req, res, next)
    } catch (err) {
      if (err instanceof AppError) countAuthDenial(err.code)
      throw err
    }
  }
}
