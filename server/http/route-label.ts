import type { Request } from 'express'
import type { RouteTable } from './route-table.ts'

/**
 * The route pattern a request is logged and measured under, never its raw path or query: the matched Express route
 * (with its mount path), else the known pattern from the route table (requests the guard or a 405 answered before
 * routing), else `unmatched`. Bounded, so clients cannot create log noise or metric series from URLs.
 */
export function routeLabel(req: Request, table?: RouteTable): string {
  const route = req.route as { path?: unknown } | undefined
  if (route && typeof route.path === 'string') return `${req.baseUrl}${route.path}`
  return table?.pattern(req.path) ?? 'unmatched'
}
