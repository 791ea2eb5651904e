import type { Server } from 'node:http'
import { createApp } from './app.ts'
import { appRouters } from './app-routers.ts'
import { startCheckpointScheduler } from './audit/checkpoint-scheduler.ts'
import { DEV_IDP_MOUNT_PATH } from './auth/dev-idp/constants.ts'
import { createIdentity } from './auth/identity.ts'
import { identityAudit } from './auth/identity-audit.ts'
import { loadConfig } from './config.ts'
import { openMigratedDatabase } from './db/bootstrap.ts'
import { openKms } from './crypto/kms-factory.ts'
import { seedDemoCorpus } from './demo/seed.ts'
import { createRateLimits } from './http/rate-limit.ts'
import { applyServerTimeouts } from './http/server-timeouts.ts'
import { createEmbedder } from './llm/create-embedder.ts'
import { createKeyring } from './keys/keyring.ts'
import { createLogger } from './logger.ts'
import { startMetricsServer } from './metrics/endpoint.ts'
import { startRetentionScheduler } from './retention/scheduler.ts'
import { checkEmbeddings } from './retrieval/embedding-check.ts'
import { ensureWebBuilt } from './web/ensure-built.ts'
import { startupFailureLine } from './startup-failure.ts'

/** Composition root: config → database → migrations → services → app → listen; drains on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig()
  const logger = createLogger(config.logLevel)
  const db = await openMigratedDatabase(config, 'the Strongroom server')
  const embedder = createEmbedder(config)
  await checkEmbeddings(db, embedder)
  if (config.demoSeed) {
    const seeded = await seedDemoCorpus({ db, embedder, config })
    if (seeded.seeded) logger.info({ ...seeded.counts }, 'demo corpus seeded')
  }
  const kms = await openKms(config)
  const keyring = createKeyring({ db, provider: kms, cacheTtlMs: config.kms.cacheTtlSeconds * 1000 })
  const identity = await createIdentity(config, db, logger, identityAudit(db, logger))
  const web = await ensureWebBuilt({ logger })
  // One set of limiters for the app and the chat route: the counters live in PostgreSQL, shared by every instance.
  const rateLimits = createRateLimits(db, config.rateLimit, { idpPrefix: DEV_IDP_MOUNT_PATH })
  const app = createApp({
    config,
    db,
    logger,
    preRouters: identity.preRouters,
    guard: identity.guard,
    rateLimits,
    routers: [...identity.routers, ...appRouters({ config, db, logger, embedder, keyring, rateLimits, webDistDir: web.distDir })],
  })
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s))
    s.once('error', reject)
  })
  applyServerTimeouts(server, config.httpTimeouts)
  const scheduler = startRetentionScheduler({ db, config, logger })
  const checkpoints = startCheckpointScheduler({ db, signer: kms, logger, intervalMs: config.audit.checkpointIntervalMinutes * 60_000 })
  const metricsServer =
    config.metrics.port === undefined ? undefined : await startMetricsServer({ port: config.metrics.port, host: config.metrics.host })
  logger.info(
    { url: config.publicUrl, engine: db.engine, idp: identity.devIdp ? 'embedded' : identity.issuer, embedder: embedder.model },
    'strongroom listening',
  )

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'draining')
    const forced = setTimeout(() => process.exit(1), 10_000).unref()
    await scheduler.stop()
    await checkpoints.stop()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    keyring.close()
    await kms.close()
    if (metricsServer) await new Promise<void>((resolve) => metricsServer.close(() => resolve()))
    await db.close()
    clearTimeout(forced)
    logger.info('stopped')
  }
  process.once('SIGTERM', () => void stop('SIGTERM'))
  process.once('SIGINT', () => void stop('SIGINT'))
}

main().catch((err: unknown) => {
  process.stderr.write(`strongroom: ${startupFailureLine(err)}\n`)
  process.exit(1)
})
