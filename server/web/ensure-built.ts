import fs from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import lockfile from 'proper-lockfile'

/** The web/ folder of this checkout. */
export const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url))

export interface WebBuildStatus {
  distDir: string
  /** True when this call ran a build. */
  built: boolean
}

interface BuildLogger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'tsconfig.json']

async function newestMtime(target: string): Promise<number> {
  const stat = await fs.stat(target).catch(() => undefined)
  if (!stat) return 0
  if (!stat.isDirectory()) return stat.mtimeMs
  const entries = await fs.readdir(target, { withFileTypes: true })
  const times = await Promise.all(entries.map((e) => newestMtime(path.join(target, e.name))))
  return Math.max(stat.mtimeMs, ...times)
}

/** web/dist/index.html is missing, or older than any source file of the app. */
export async function webBuildIsStale(webDir: string = WEB_DIR): Promise<boolean> {
  const built = await fs.stat(path.join(webDir, 'dist', 'index.html')).catch(() => undefined)
  if (!built) return true
  const sources = await Promise.all(SOURCES.map((s) => newestMtime(path.join(webDir, s))))
  return Math.max(...sources) > built.mtimeMs
}

/**
 * Builds web/dist with Vite when it is missing or stale, so `npm start` in a fresh checkout serves the UI. Vite is
 * a development dependency: where it is absent (a production image, which builds web/dist at image build time)
 * an existing build is used as it is, and a missing one is an error that says how to build it. A file lock in
 * web/ keeps two processes (a server and a test run) from building into the same folder at once.
 */
export async function ensureWebBuilt(opts: { webDir?: string; logger?: BuildLogger } = {}): Promise<WebBuildStatus> {
  const webDir = opts.webDir ?? WEB_DIR
  const distDir = path.join(webDir, 'dist')
  if (!(await webBuildIsStale(webDir))) return { distDir, built: false }
  const vite = await import('vite').catch(() => undefined)
  if (!vite) {
    if (await fs.stat(path.join(distDir, 'index.html')).catch(() => undefined)) {
      opts.logger?.warn({ distDir }, 'web UI sources are newer than web/dist but vite is not installed; serving the existing build')
      return { distDir, built: false }
    }
    throw new Error('web/dist is missing and vite is not installed: run `npm run build:web` before starting')
  }
  const release = await lockfile.lock(webDir, {
    lockfilePath: path.join(webDir, '.build.lock'),
    stale: 120_000,
    retries: { retries: 240, minTimeout: 250, maxTimeout: 500 },
  })
  try {
    // Another process may have finished the same build while we waited for the lock.
    if (!(await webBuildIsStale(webDir))) return { distDir, built: false }
    const started = Date.now()
    await vite.build({ configFile: path.join(webDir, 'vite.config.ts'), mode: 'production', logLevel: 'warn' })
    opts.logger?.info({ distDir, ms: Date.now() - started }, 'web UI built')
    return { distDir, built: true }
  } finally {
    await release()
  }
}
