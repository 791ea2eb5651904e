import path from 'node:path'
import express, { Router, type NextFunction, type Request, type Response } from 'express'
import { AppError } from '../errors.ts'

/**
 * Paths that belong to the server, never to the browser app: an unknown path under them must stay a JSON 404
 * instead of turning into the app's index.html (which would hide API mistakes and confuse API clients).
 */
const SERVER_PREFIXES = ['/api', '/auth', '/oidc', '/healthz', '/readyz', '/metrics', '/assets']

/** True for a client-side route of the app: not a server path and not a file name (no dot in the last segment). */
export function isAppPath(pathname: string): boolean {
  if (SERVER_PREFIXES.some((p) => pathname === p || pathname.startsWith(`${p}/`))) return false
  const last = pathname.slice(pathname.lastIndexOf('/') + 1)
  return !last.includes('.')
}

const ONE_YEAR_MS = 365 * 24 * 3_600_000

/**
 * Serves the built web UI (web/dist). Hashed files under /assets are cached for a year as immutable; index.html is
 * revalidated on every load so a deploy takes effect at once; every other GET for an app path (/, /chat/:id,
 * /admin ...) answers index.html so deep links work. Security headers, including the CSP, come from the app.
 */
export function webRoutes(distDir: string): Router {
  const router = Router()
  const indexFile = path.join(distDir, 'index.html')
  router.use('/assets', express.static(path.join(distDir, 'assets'), {
    immutable: true, maxAge: ONE_YEAR_MS, index: false, redirect: false, dotfiles: 'ignore', fallthrough: true,
  }))
  router.use(express.static(distDir, {
    index: false, redirect: false, dotfiles: 'ignore', fallthrough: true, maxAge: 3_600_000,
    setHeaders: (res, file) => {
      if (path.basename(file) === 'index.html') res.setHeader('Cache-Control', 'no-cache')
    },
  }))
  router.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !isAppPath(req.path) || !req.accepts('html')) return next()
    res.sendFile(indexFile, { cacheControl: false, lastModified: true, headers: { 'Cache-Control': 'no-cache' } }, (err) => {
      if (err && !res.headersSent) {
        next(new AppError('web_ui_unavailable', 'the web UI is not built on this server', { status: 503, expose: true }))
      }
    })
  })
  return router
}
