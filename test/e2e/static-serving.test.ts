import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import express from 'express'
import { WEB_DIR, webBuildIsStale } from '../../server/web/ensure-built.ts'
import { isAppPath, webRoutes } from '../../server/web/static.routes.ts'
import type { TestServer } from '../helpers/test-server.ts'
import { startWebServer } from './helpers/web-server.ts'

describe('web UI build and static serving', () => {
  let t: TestServer
  let indexHtml: string

  before(async () => {
    t = await startWebServer()
    indexHtml = await fs.readFile(path.join(WEB_DIR, 'dist', 'index.html'), 'utf8')
  })

  after(async () => {
    await t?.close()
  })

  it('when the app is built, then index.html has no inline script or style and loads nothing from other origins', () => {
    const scripts = [...indexHtml.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
    assert.ok(scripts.length >= 1)
    for (const [, attrs, body] of scripts) {
      assert.match(attrs!, /\bsrc="\/assets\/[\w.-]+\.js"/)
      assert.equal(body!.trim(), '')
    }
    assert.doesNotMatch(indexHtml, /<style\b/i)
    assert.doesNotMatch(indexHtml, /\sstyle=/i)
    assert.doesNotMatch(indexHtml, /\son[a-z]+=/i)
    assert.doesNotMatch(indexHtml, /(src|href)="(https?:)?\/\//i)
    assert.match(indexHtml, /<link rel="stylesheet"[^>]*href="\/assets\/[\w.-]+\.css"/)
  })

  it('when a hashed asset is fetched, then it is cached for a year as immutable and carries the CSP', async () => {
    const asset = /src="(\/assets\/[\w.-]+\.js)"/.exec(indexHtml)![1]!
    const res = await fetch(`${t.origin}${asset}`)
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /javascript/)
    assert.match(res.headers.get('cache-control') ?? '', /max-age=31536000/)
    assert.match(res.headers.get('cache-control') ?? '', /immutable/)
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/)
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff')
  })

  it('when an app path is opened, then index.html is served, revalidated on every load, under the CSP', async () => {
    for (const p of ['/', '/chat/5d1e0d6e-1111-4111-8111-111111111111', '/admin', '/audit', '/my-data?x=1']) {
      const res = await fetch(`${t.origin}${p}`, { headers: { accept: 'text/html' } })
      assert.equal(res.status, 200, p)
      assert.match(res.headers.get('content-type') ?? '', /text\/html/)
      assert.equal(res.headers.get('cache-control'), 'no-cache')
      assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/)
      assert.equal(await res.text(), indexHtml)
    }
  })

  it('when a server path, a missing file or a non-GET misses, then the answer is the JSON 404, never index.html', async () => {
    const cases: Array<[string, string]> = [
      ['GET', '/api/no-such-route'], ['GET', '/auth/no-such-route'], ['GET', '/assets/missing-abc123.js'],
      ['GET', '/missing.png'], ['POST', '/'], ['DELETE', '/admin'], ['GET', '/healthz/x'],
    ]
    for (const [method, p] of cases) {
      const res = await fetch(`${t.origin}${p}`, { method, headers: { accept: 'text/html,*/*' } })
      assert.equal(res.status, 404, `${method} ${p}`)
      assert.match(res.headers.get('content-type') ?? '', /application\/json/, `${method} ${p}`)
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'not_found')
    }
    const json = await fetch(`${t.origin}/admin`, { headers: { accept: 'application/json' } })
    assert.equal(json.status, 404)
    assert.equal((await fetch(`${t.origin}/healthz`)).status, 200)
  })

  it('when web/dist is missing, then app paths answer 503 web_ui_unavailable instead of an internal error', async () => {
    const app = express()
    app.use(webRoutes(path.join(os.tmpdir(), 'strongroom-no-such-dist')))
    app.use((err: { code?: string; status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(err.status ?? 500).json({ code: err.code })
    })
    const server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    try {
      const { port } = server.address() as { port: number }
      const res = await fetch(`http://127.0.0.1:${port}/chat/x`, { headers: { accept: 'text/html' } })
      assert.equal(res.status, 503)
      assert.deepEqual(await res.json(), { code: 'web_ui_unavailable' })
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('when paths are classified, then only extension-less paths outside the server prefixes are app paths', () => {
    for (const p of ['/', '/chat/abc', '/admin', '/my-data', '/apis', '/authors']) assert.equal(isAppPath(p), true, p)
    for (const p of ['/api', '/api/me', '/auth/login', '/oidc/auth', '/healthz', '/readyz', '/metrics', '/assets/x', '/favicon.svg', '/a/b.js']) {
      assert.equal(isAppPath(p), false, p)
    }
  })

  it('when a source file is newer than the build, then the build is stale; after a rebuild it is not', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'strongroom-web-'))
    try {
      await fs.mkdir(path.join(dir, 'src', 'views'), { recursive: true })
      await fs.mkdir(path.join(dir, 'dist'))
      assert.equal(await webBuildIsStale(dir), true, 'no build at all')
      const source = path.join(dir, 'src', 'views', 'a.tsx')
      await fs.writeFile(source, 'x')
      await fs.writeFile(path.join(dir, 'dist', 'index.html'), 'x')
      const old = new Date(Date.now() - 60_000)
      await fs.utimes(source, old, old)
      await fs.utimes(path.join(dir, 'src', 'views'), old, old)
      await fs.utimes(path.join(dir, 'src'), old, old)
      assert.equal(await webBuildIsStale(dir), false)
      await fs.utimes(source, new Date(Date.now() + 5_000), new Date(Date.now() + 5_000))
      assert.equal(await webBuildIsStale(dir), true, 'a nested source file changed')
    } finally {
      await fs.rm(dir, { recursive: true, force: true })
    }
  })
})
