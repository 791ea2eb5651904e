import fs from 'node:fs/promises'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import type { TestServer } from '../helpers/test-server.ts'
import { launchBrowser } from './helpers/browser.ts'
import { uploadDocument } from './helpers/seed.ts'
import { completeIdpLogin, signIn } from './helpers/sign-in.ts'
import { skipUnless, startWebServer } from './helpers/web-server.ts'

/*
 * README screenshots, from the real server as it is: DOCS_SCREENSHOTS=1 npm run test:e2e rewrites
 * docs/screenshots/*.png. Views whose API routes are not mounted show their "not available" state; once they are,
 * the same run seeds a document through the admin API and shows a real answer and a real document list.
 */
const OUT = path.resolve('docs/screenshots')
const enabled = process.env.DOCS_SCREENSHOTS === '1'

async function shoot(page: Page, name: string): Promise<void> {
  await fs.mkdir(OUT, { recursive: true })
  await page.screenshot({ path: path.join(OUT, `${name}.png`), scale: 'css' })
}

describe('README screenshots', { skip: enabled ? false : 'set DOCS_SCREENSHOTS=1 to refresh docs/screenshots' }, () => {
  let t: TestServer
  let browser: Browser
  let canSeed = false

  before(async () => {
    t = await startWebServer()
    browser = await launchBrowser()
    canSeed = !(await skipUnless(t, 'carol', [['POST', '/api/admin/documents']]))
    if (canSeed) {
      await uploadDocument(t, 'carol', {
        title: 'Incident runbook', classification: 'confidential', departments: ['engineering'],
        text: 'Incident runbook. When the payment gateway fails, page the on-call engineer and switch traffic to the standby region within fifteen minutes.',
      })
    }
  })

  after(async () => {
    await browser?.close()
    await t?.close()
  })

  it('when the pages are rendered, then sign-in, chat and admin screenshots are written', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 680 } })
    await page.goto(`${t.origin}/`)
    await page.getByRole('heading', { name: 'Sign in to Strongroom' }).waitFor()
    await shoot(page, 'sign-in')
    await page.getByRole('main').getByRole('link', { name: 'Sign in' }).click()
    await completeIdpLogin(page, t.origin, 'alice', async (step) => {
      if (step === 'idp-password') await shoot(page, 'idp-login')
    })
    await page.getByTestId('user-name').waitFor()
    if (canSeed && !(await skipUnless(t, 'alice', [['POST', '/api/chat']]))) {
      await page.getByLabel('Your question').fill('What do we do when the payment gateway fails?')
      await page.keyboard.press('Enter')
      await page.getByRole('region', { name: 'Sources' }).waitFor()
    }
    await shoot(page, 'chat')
    await page.close()

    const admin = await browser.newPage({ viewport: { width: 1100, height: 680 } })
    await signIn(admin, t.origin, 'carol', { path: '/admin' })
    await admin.getByRole('heading', { name: 'Admin console' }).waitFor()
    await admin.waitForLoadState('networkidle')
    await shoot(admin, 'admin')
    await admin.close()
  })
})
