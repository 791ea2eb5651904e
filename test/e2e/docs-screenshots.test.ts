import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import type { TestServer } from '../helpers/test-server.ts'
import { assertClean, launchBrowser, watchPage } from './helpers/browser.ts'
import { completeIdpLogin, signIn } from './helpers/sign-in.ts'
import { startWebServer } from './helpers/web-server.ts'

/*
 * README screenshots, from the real server as it is, on the demo corpus: DOCS_SCREENSHOTS=1 npm run test:e2e
 * rewrites docs/screenshots/*.png. Desktop (1280 px) and phone (390 px) widths; every page must be free of CSP
 * violations and horizontal scrolling while it is photographed.
 */
const OUT = path.resolve('docs/screenshots')
const enabled = process.env.DOCS_SCREENSHOTS === '1'
const DESKTOP = { width: 1280, height: 800 }
const PHONE = { width: 390, height: 844 }

async function shoot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  await fs.mkdir(OUT, { recursive: true })
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  assert.ok(overflow <= 0, `${name} scrolls horizontally by ${overflow}px`)
  await page.screenshot({ path: path.join(OUT, `${name}.png`), scale: 'css', fullPage: opts.fullPage ?? false })
}

async function askOnCall(page: Page): Promise<void> {
  await page.getByLabel('Your question').fill('Within how many minutes must a page be acknowledged?')
  await page.keyboard.press('Enter')
  await page.locator('article.message-assistant[aria-busy="false"]').getByRole('region', { name: 'Sources' }).waitFor()
}

describe('README screenshots', { skip: enabled ? false : 'set DOCS_SCREENSHOTS=1 to refresh docs/screenshots' }, () => {
  let t: TestServer
  let browser: Browser

  before(async () => {
    t = await startWebServer({ DEMO_SEED: 'true' })
    browser = await launchBrowser()
  })

  after(async () => {
    await browser?.close()
    await t?.close()
  })

  it('when the employee pages are rendered, then sign-in, chat and the phone chat screenshots are written', async () => {
    const context = await browser.newContext({ viewport: DESKTOP })
    const page = await context.newPage()
    const watch = await watchPage(page, t.origin)
    await page.goto(`${t.origin}/`)
    await page.getByRole('heading', { name: 'Sign in to Strongroom' }).waitFor()
    await shoot(page, 'sign-in')
    await page.getByRole('main').getByRole('link', { name: 'Sign in' }).click()
    await completeIdpLogin(page, t.origin, 'alice', async (step) => {
      if (step === 'idp-password') await shoot(page, 'idp-login')
    })
    await page.getByTestId('user-name').waitFor()
    await askOnCall(page)
    await shoot(page, 'chat')
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Search' }).click()
    await page.getByLabel('Search passages').fill('expense receipts')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.getByRole('list', { name: 'Search results' }).waitFor()
    await shoot(page, 'search')

    // The same session on a phone: the cookie is in the context, so no second sign-in is needed.
    await page.setViewportSize(PHONE)
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Chat' }).click()
    await page.getByRole('navigation', { name: 'Conversations' }).locator('.conversation-link').first().click()
    await page.locator('article.message-assistant').first().getByText('Extractive mode').waitFor()
    await page.evaluate(() => window.scrollTo(0, 0))
    await shoot(page, 'chat-phone')
    assertClean(watch)
    await context.close()
  })

  it('when the admin console and the audit log are rendered, then desktop and phone screenshots are written', async () => {
    const context = await browser.newContext({ viewport: DESKTOP })
    const admin = await context.newPage()
    const watch = await watchPage(admin, t.origin)
    await signIn(admin, t.origin, 'carol', { path: '/admin' })
    await admin.getByRole('heading', { name: 'Admin console' }).waitFor()
    await admin.getByRole('row', { name: /On-call Handbook/i }).waitFor()
    await admin.getByRole('heading', { name: 'Transcript keys' }).waitFor()
    await admin.waitForLoadState('networkidle')
    await shoot(admin, 'admin')
    await admin.getByRole('heading', { name: 'Legal holds' }).waitFor()
    await admin.getByLabel('User id').fill('bob')
    await admin.getByLabel('Case reference').fill('LIT-2025-014')
    await admin.getByRole('button', { name: 'Place hold' }).click()
    await admin.getByRole('cell', { name: 'LIT-2025-014', exact: true }).waitFor()
    // The section link, as a user would: the card's scroll margin keeps its heading clear of the sticky header.
    await admin.getByRole('navigation', { name: 'Console sections' }).getByRole('link', { name: 'Retention' }).click()
    await admin.waitForFunction(() => location.hash === '#retention')
    await shoot(admin, 'admin-governance')
    await admin.setViewportSize(PHONE)
    await admin.goto(`${t.origin}/admin`)
    await admin.getByRole('row', { name: /On-call Handbook/i }).waitFor()
    await shoot(admin, 'admin-phone')
    assertClean(watch)
    await context.close()

    const auditContext = await browser.newContext({ viewport: DESKTOP })
    const audit = await auditContext.newPage()
    const auditWatch = await watchPage(audit, t.origin)
    await signIn(audit, t.origin, 'erin')
    await audit.getByTestId('chain-status').waitFor()
    await audit.getByRole('region', { name: 'Audit events' }).waitFor()
    await shoot(audit, 'audit')
    assertClean(auditWatch)
    await auditContext.close()
  })
})
