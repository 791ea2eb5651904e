import type { Server } from 'node:http'
import net from 'node:net'
import type { Express } from 'express'
import { createApp } from '../../server/app.ts'
import { createIdentity, type Identity } from '../../server/auth/identity.ts'
import { identityAudit } from '../../server/auth/identity-audit.ts'
import { mintDevAccessToken } from '../../server/auth/mint-dev-token.ts'
import { memoryLogger } from './silent-logger.ts'
import { openTestDatabase, type TestDatabase } from './test-db.ts'

export interface TestServer extends TestDatabase {
  app: Express
  origin: string
  identity: Identity
  logLines: string[]
  /** A real access token of the embedded IdP for a demo user. */
  token(user: string, opts?: { mfa?: boolean; authTime?: number; audience?: string }): Promise<string>
}

type AppOverrides = Partial<Parameters<typeof createApp>[0]>

async function freePort(): Promise<number> {
  const probe = net.createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const port = (probe.address() as net.AddressInfo).port
  await new Promise((resolve) => probe.close(resolve))
  return port
}

/**
 * The whole application on a real database with the embedded IdP, listening on 127.0.0.1. PUBLIC_URL must be known
 * before the IdP is built (it is the issuer), so a free port is chosen first.
 */
export async function startTestServer(env: Record<string, string> = {}, extra?: (t: TestServer) => AppOverrides | Promise<AppOverrides>) {
  const port = await freePort()
  const origin = `http://127.0.0.1:${port}`
  const t = await openTestDatabase({ env: { PUBLIC_URL: origin, ...env } })
  const { logger, lines } = memoryLogger('debug')
  const identity = await createIdentity(t.config, t.db, logger, identityAudit(t.db, logger))
  const partial = { ...t, origin, identity, logLines: lines } as TestServer
  partial.token = (user, opts = {}) =>
    mintDevAccessToken({
      dataDir: t.config.dataDir, issuer: identity.issuer, audience: opts.audience ?? t.config.oidc.audience,
      username: user, mfa: opts.mfa ?? false, ...(opts.authTime === undefined ? {} : { authTime: opts.authTime }),
    })
  const overrides = (await extra?.(partial)) ?? {}
  const app = createApp({
    config: t.config, db: t.db, logger,
    preRouters: identity.preRouters, guard: identity.guard,
    ...overrides,
    routers: [...identity.routers, ...(overrides.routers ?? [])],
  })
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s))
  })
  const close = t.close
  partial.app = app
  partial.close = async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await close()
  }
  return partial
}
