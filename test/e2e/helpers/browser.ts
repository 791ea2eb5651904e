import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

export const SCREENSHOT_DIR = path.resolve('test-results/e2e')

/** Headless Debian Chromium; CHROMIUM_PATH overrides the binary. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
}

/** Everything a page did that a test may want to forbid. */
export interface PageWatch {
  /** CSP violations, from the DevTools security log and from console errors. */
  cspViolations: string[]
  /** Uncaught exceptions in the page. */
  pageErrors: string[]
  /** Requests to any origin other than the app's (data: and blob: excluded). */
  foreignRequests: string[]
}

const CSP_TEXT = /Content Security Policy/i

/**
 * Watches a page for CSP violations and stray requests. Chromium reports a violation both as a DevTools log entry
 * (source "security") and as a console error; listening to both means a change in either channel cannot silence
 * the check. An init script listening for `securitypolicyviolation` is not used: it would run outside the page's
 * CSP and prove nothing about the app.
 */
export async function watchPage(page: Page, origin: string): Promise<PageWatch> {
  const watch: PageWatch = { cspViolations: [], pageErrors: [], foreignRequests: [] }
  const seen = new Set<string>()
  const record = (text: string) => {
    if (!seen.has(text)) {
      seen.add(text)
      watch.cspViolations.push(text)
    }
  }
  page.on('console', (m) => {
    if (m.type() === 'error' && CSP_TEXT.test(m.text())) record(m.text())
  })
  page.on('pageerror', (e) => watch.pageErrors.push(String(e)))
  page.on('request', (r) => {
    const url = r.url()
    if (!url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin) watch.foreignRequests.push(url)
  })
  const cdp = await page.context().newCDPSession(page)
  cdp.on('Log.entryAdded', (e) => {
    if (e.entry.source === 'security' || CSP_TEXT.test(e.entry.text)) record(e.entry.text)
  })
  await cdp.send('Log.enable')
  return watch
}

/** Saves test-results/e2e/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  await fs.mkdir(SCREENSHOT_DIR, { recursive: true })
  const file = path.join(SCREENSHOT_DIR, `${name}.png`)
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? true })
  return file
}

/** No CSP violation, no uncaught page error and no request to another origin. */
export function assertClean(watch: PageWatch): void {
  assert.deepEqual(watch.cspViolations, [], 'CSP violations')
  assert.deepEqual(watch.pageErrors, [], 'page errors')
  assert.deepEqual(watch.foreignRequests, [], 'requests to other origins')
}
