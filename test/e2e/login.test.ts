import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import { withTenant } from '../../server/db/tx.ts'
import type { TestServer } from '../helpers/test-server.ts'
import { assertClean, screenshot, watchPage } from './helpers/browser.ts'
import { signIn } from './helpers/sign-in.ts'
import { closeWebSuite, openWebSuite } from './helpers/web-server.ts'

describe('web UI: sign-in, header and sign-out in Chromium', () => {
  let t: TestServer
  let browser: Browser

  before(async () => ({ t, browser } = await openWebSuite()))

  after(() => closeWebSuite(t, browser))

  it('when a page runs an inline script, then the CSP watcher reports the violation (control for the checks below)', async () => {
    const page = await browser.newPage()
    const watch = await watchPage(page, t.origin)
    await page.goto(`${t.origin}/`)
    await page.evaluate(() => {
      const s = document.createElement('script')
      s.textContent = 'window.name = "ran"'
      document.body.append(s)
    })
    await page.waitForTimeout(200)
    assert.ok(watch.cspViolations.some((v) => /script-src/.test(v)), `expected a script-src violation, got ${JSON.stringify(watch.cspViolations)}`)
    assert.notEqual(await page.evaluate(() => window.name), 'ran')
    await page.close()
  })

  it('when the app is opened signed out, then it offers sign-in, with no CSP violation', async () => {
    const page = await browser.newPage()
    const watch = await watchPage(page, t.origin)
    const res = await page.goto(`${t.origin}/`)
    assert.match(res!.headers()['content-security-policy'] ?? '', /script-src 'self'/)
    await page.getByRole('heading', { name: 'Sign in to Strongroom' }).waitFor()
    const link = page.getByRole('main').getByRole('link', { name: 'Sign in' })
    assert.equal(await link.getAttribute('href'), '/auth/login?returnTo=%2F')
    await screenshot(page, 'login-01-signed-out')
    assertClean(watch)
    await page.close()
  })

  it('when alice signs in with password and TOTP, then the header shows her user id, tenant and clearance; sign-out ends the session', async () => {
    const page = await browser.newPage()
    const watch = await watchPage(page, t.origin)
    await signIn(page, t.origin, 'alice', { shot: (step) => screenshot(page, `login-02-${step}`) })
    assert.equal(await page.getByTestId('user-tenant').innerText(), 'acme')
    assert.match(await page.locator('.user-box .badge').innerText(), /confidential/i)
    const nav = await page.getByRole('navigation', { name: 'Main' }).innerText()
    assert.match(nav, /Chat/)
    assert.doesNotMatch(nav, /Admin|Audit/)
    await screenshot(page, 'login-03-signed-in-chat')
    assert.equal((await page.request.get(`${t.origin}/api/me`)).status(), 200)

    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(/\/oidc\/session\/end/)
    await screenshot(page, 'login-04-idp-sign-out')
    await page.getByRole('button', { name: 'Yes, sign me out' }).click()
    await page.waitForURL(`${t.origin}/`)
    await page.getByRole('heading', { name: 'Sign in to Strongroom' }).waitFor()
    await screenshot(page, 'login-05-signed-out-again')
    assert.equal((await page.request.get(`${t.origin}/api/me`)).status(), 401)
    assertClean(watch)
    await page.close()
  })

  it('when the session expires while the app is open, then the next call shows "session expired" with a sign-in button', async () => {
    const page = await browser.newPage()
    const watch = await watchPage(page, t.origin)
    await signIn(page, t.origin, 'bob', { path: '/search' })
    await withTenant(t.db, 'acme', 'app', (tx) =>
      tx.query(`UPDATE sessions SET last_seen_at = now() - interval '1 day' WHERE user_id = $1`, ['bob']))
    await page.getByLabel('Search passages').fill('budget')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.getByRole('heading', { name: 'Your session has expired' }).waitFor()
    const link = page.getByRole('main').getByRole('link', { name: 'Sign in' })
    assert.equal(await link.getAttribute('href'), '/auth/login?returnTo=%2Fsearch')
    await screenshot(page, 'session-expired')
    assertClean(watch)
    await page.close()
  })

  it('when the window is 375 px wide, then chat, search and my-data fit without horizontal scrolling', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 740 } })
    const watch = await watchPage(page, t.origin)
    await signIn(page, t.origin, 'mallory')
    for (const [link, name] of [['Chat', 'chat'], ['Search', 'search'], ['My data', 'my-data']] as const) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click()
      await page.waitForLoadState('networkidle')
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      assert.ok(overflow <= 0, `${link} scrolls horizontally by ${overflow}px`)
      assert.ok(await page.getByRole('button', { name: 'Sign out' }).isVisible())
      await screenshot(page, `mobile-375-${name}`)
    }
    assertClean(watch)
    await page.close()
  })

  it('when a keyboard user tabs from the top, then the skip link comes first and moves focus to the content', async () => {
    const page = await browser.newPage()
    await page.goto(`${t.origin}/`)
    await page.getByRole('heading', { name: 'Sign in to Strongroom' }).waitFor()
    await page.keyboard.press('Tab')
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content')
    await page.keyboard.press('Enter')
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main')
    await page.keyboard.press('Tab')
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Sign in')
    await page.close()
  })
})
