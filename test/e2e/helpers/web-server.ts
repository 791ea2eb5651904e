import type { Browser } from 'playwright-core'
import { appRouters } from '../../../server/app-routers.ts'
import { DEV_IDP_MOUNT_PATH } from '../../../server/auth/dev-idp/constants.ts'
import { openKms } from '../../../server/crypto/kms-factory.ts'
import { seedDemoCorpus } from '../../../server/demo/seed.ts'
import { createRateLimits } from '../../../server/http/rate-limit.ts'
import { createKeyring } from '../../../server/keys/keyring.ts'
import { createEmbedder } from '../../../server/llm/create-embedder.ts'
import { ensureWebBuilt } from '../../../server/web/ensure-built.ts'
import { memoryLogger } from '../../helpers/silent-logger.ts'
import { startTestServer, type TestServer } from '../../helpers/test-server.ts'
import { launchBrowser } from './browser.ts'

/**
 * The real application with the built web UI on a random port: identity plus every capability router main.ts
 * mounts, taken from the same list (server/app-routers.ts), with the configured embedder, the configured key provider
 * (local, its master key in the test's DATA_DIR) and the offline extractive model. Browser tests therefore never
 * run against less than production does, and cannot skip a capability that is missing. With DEMO_SEED=true the demo
 * corpus is loaded as main.ts loads it.
 */
export async function startWebServer(env: Record<string, string> = {}): Promise<TestServer> {
  const { distDir } = await ensureWebBuilt()
  let closeKeys = async () => undefined as void
  const t = await startTestServer(env, async (s) => {
    const { logger } = memoryLogger('info')
    const kms = await openKms(s.config)
    const keyring = createKeyring({ db: s.db, provider: kms, cacheTtlMs: s.config.kms.cacheTtlSeconds * 1000 })
    closeKeys = async () => {
      keyring.close()
      await kms.close()
    }
    const rateLimits = createRateLimits(s.db, s.config.rateLimit, { idpPrefix: DEV_IDP_MOUNT_PATH })
    const embedder = createEmbedder(s.config)
    if (s.config.demoSeed) await seedDemoCorpus({ db: s.db, embedder, config: s.config })
    return { rateLimits, routers: appRouters({ config: s.config, db: s.db, logger, embedder, keyring, rateLimits, webDistDir: distDir }) }
  })
  const close = t.close
  t.close = async () => {
    await close()
    await closeKeys()
  }
  return t
}

/** The real application and a Chromium instance for one suite: `({ t, browser } = await openWebSuite())`. */
export async function openWebSuite(env: Record<string, string> = {}): Promise<{ t: TestServer; browser: Browser }> {
  const t = await startWebServer(env)
  try {
    return { t, browser: await launchBrowser() }
  } catch (err) {
    await t.close()
    throw err
  }
}

/** Closes what openWebSuite opened; either may be missing when the suite's setup failed half way. */
export async function closeWebSuite(t: TestServer | undefined, browser: Browser | undefined): Promise<void> {
  await browser?.close()
  await t?.close()
}
