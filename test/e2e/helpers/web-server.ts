import { randomUUID } from 'node:crypto'
import { ensureWebBuilt } from '../../../server/web/ensure-built.ts'
import { webRoutes } from '../../../server/web/static.routes.ts'
import { startTestServer, type TestServer } from '../../helpers/test-server.ts'

/**
 * The real application with the built web UI on a random port. Capability routers (search, chat, admin, audit)
 * are added here once they exist; until then their browser tests skip themselves (see routeMissing).
 */
export async function startWebServer(env: Record<string, string> = {}): Promise<TestServer> {
  const { distDir } = await ensureWebBuilt()
  return startTestServer(env, () => ({ routers: [webRoutes(distDir)] }))
}

/**
 * True when the server's router answers 404 "no such route" for this call made with a bearer token of `user`
 * (MFA-fresh, so admin routes pass step-up): the capability is not mounted yet and its browser test should skip.
 */
export async function routeMissing(t: TestServer, method: string, path: string, user: string): Promise<boolean> {
  const token = await t.token(user, { mfa: true })
  const res = await fetch(`${t.origin}${path.replace(':id', randomUUID())}`, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' }) },
    ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }),
  })
  if (res.status !== 404) return false
  const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } }
  return body.error?.code === 'not_found' && body.error.message === 'no such route'
}

/** The first route of `routes` that is missing, as a skip reason, or false when all exist. */
export async function skipUnless(t: TestServer, user: string, routes: Array<[string, string]>): Promise<string | false> {
  for (const [method, path] of routes) {
    if (await routeMissing(t, method, path, user)) return `${method} ${path} is not mounted yet`
  }
  return false
}
