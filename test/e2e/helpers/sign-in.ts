import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { findDemoUser } from '../../../server/auth/demo-users.ts'
import { totpFor } from '../../../server/auth/dev-idp/credentials.ts'

const PERIOD_MS = 30_000
// The IdP accepts each TOTP time step once per user (replay protection), so a second login of the same user on
// the same server must wait for the next step. Keyed by server origin and user.
const lastStep = new Map<string, number>()

async function freshTotp(origin: string, username: string): Promise<string> {
  const user = findDemoUser(username)
  assert.ok(user, `unknown demo user ${username}`)
  const key = `${origin}|${username}`
  let step = Math.floor(Date.now() / PERIOD_MS)
  const used = lastStep.get(key)
  if (used !== undefined && step <= used) {
    await new Promise((resolve) => setTimeout(resolve, (used + 1) * PERIOD_MS - Date.now() + 250))
    step = Math.floor(Date.now() / PERIOD_MS)
  }
  lastStep.set(key, step)
  return totpFor(user).generate({ timestamp: Date.now() })
}

/** Completes the embedded IdP's password and TOTP pages for a demo user; the page must be on the password page. */
export async function completeIdpLogin(page: Page, origin: string, username: string, shot?: (step: string) => Promise<unknown>): Promise<void> {
  const user = findDemoUser(username)
  assert.ok(user, `unknown demo user ${username}`)
  await page.waitForSelector('#password')
  await shot?.('idp-password')
  const name = page.locator('#username')
  if (await name.isEditable()) await name.fill(username)
  await page.fill('#password', user.password)
  await Promise.all([page.waitForURL(/\/oidc\/interaction\//), page.click('button[type=submit]:has-text("Continue")')])
  await page.waitForSelector('#code')
  await shot?.('idp-totp')
  await page.fill('#code', await freshTotp(origin, username))
  await Promise.all([page.waitForURL((url) => url.pathname.startsWith('/oidc') === false), page.click('button[type=submit]:has-text("Verify")')])
}

/** Opens the app signed out, follows its Sign in button through the IdP and waits for the signed-in header. */
export async function signIn(page: Page, origin: string, username: string, opts: { path?: string; shot?: (step: string) => Promise<unknown> } = {}): Promise<void> {
  await page.goto(`${origin}${opts.path ?? '/'}`)
  await page.getByRole('main').getByRole('link', { name: 'Sign in' }).click()
  await completeIdpLogin(page, origin, username, opts.shot)
  await page.getByTestId('user-name').waitFor()
  assert.equal(await page.getByTestId('user-name').textContent(), username)
}
