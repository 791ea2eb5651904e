import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, Locator, Page } from 'playwright-core'
import type { TestServer } from '../helpers/test-server.ts'
import { assertClean, screenshot, watchPage, type PageWatch } from './helpers/browser.ts'
import { uploadDocument } from './helpers/seed.ts'
import { signIn } from './helpers/sign-in.ts'
import { closeWebSuite, openWebSuite } from './helpers/web-server.ts'

/** The card of a console section, found by its heading. */
const card = (page: Page, heading: string): Locator =>
  page.locator('section.card').filter({ has: page.getByRole('heading', { name: heading, exact: true }) })

describe('web UI: admin console governance (retention, legal holds, transcript keys)', () => {
  let t: TestServer
  let browser: Browser
  // One sign-in for all tests: a second TOTP login of the same user would wait for the next 30 s step.
  let page: Page
  let watch: PageWatch

  before(async () => {
    ;({ t, browser } = await openWebSuite())
    // A real conversation of alice's, so acme has a transcript key and messages under it.
    await uploadDocument(t, 'carol', { title: 'Travel policy', classification: 'internal', text: 'Travel policy. Book economy class flights for trips under six hours.' })
    const res = await fetch(`${t.origin}/api/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.token('alice')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Which class do I book for flights under six hours?' }),
    })
    assert.equal(res.status, 200, await res.text())
    page = await browser.newPage()
    watch = await watchPage(page, t.origin)
    await signIn(page, t.origin, 'carol', { path: '/admin' })
    await page.getByRole('heading', { name: 'Admin console' }).waitFor()
  })

  after(() => closeWebSuite(t, browser))

  it('when carol sets a retention period, then it is saved for the tenant; an out-of-range value cannot be saved', async () => {
    const retention = card(page, 'Retention')
    const confidential = retention.getByLabel('confidential retention in days')
    await confidential.waitFor()
    assert.match(await retention.getByRole('row', { name: /confidential/ }).innerText(), /Server default/)
    await confidential.fill('0')
    await retention.getByText('Enter whole days from 1 to 36500.').waitFor()
    assert.equal(await retention.getByRole('button', { name: 'Save retention' }).isDisabled(), true)
    await confidential.fill('60')
    await retention.getByRole('button', { name: 'Save retention' }).click()
    await retention.getByText('Retention rules saved.').waitFor()
    const row = retention.getByRole('row', { name: /confidential/ })
    assert.match(await row.innerText(), /Set for this tenant/)
    assert.equal(await confidential.inputValue(), '60')
    assert.match(await retention.getByRole('row', { name: /restricted/ }).innerText(), /Server default/)
    const api = (await (await page.request.get(`${t.origin}/api/admin/retention`)).json()) as { rules: Array<{ classification: string; retainDays: number; source: string }> }
    assert.deepEqual(api.rules.find((r) => r.classification === 'confidential'), { classification: 'confidential', retainDays: 60, source: 'tenant' })
    await screenshot(page, 'admin-gov-01-retention')
    assertClean(watch)
  })

  it('when carol places a legal hold on bob and releases it, then the list shows it active, then released', async () => {
    const holds = card(page, 'Legal holds')
    let posted = 0
    const count = (r: { method(): string; url(): string }) => { if (r.method() === 'POST' && r.url().endsWith('/api/admin/legal-holds')) posted++ }
    page.on('request', count)
    await holds.getByLabel('Hold', { exact: true }).selectOption('conversation')
    await holds.getByLabel('Conversation id').fill('not-a-uuid')
    await holds.getByLabel('Case reference').fill('LIT-2025-014')
    await holds.getByRole('button', { name: 'Place hold' }).click()
    await holds.getByText('A conversation id looks like').waitFor()
    assert.equal(posted, 0)

    await holds.getByLabel('Hold', { exact: true }).selectOption('user')
    await holds.getByLabel('User id').fill('bob')
    await holds.getByRole('button', { name: 'Place hold' }).click()
    await holds.getByText('Legal hold “LIT-2025-014” placed.').waitFor()
    assert.equal(posted, 1)
    page.off('request', count)
    const row = holds.getByRole('row', { name: /LIT-2025-014/ })
    await row.waitFor()
    assert.match(await row.innerText(), /User\s+bob/)
    assert.match(await row.innerText(), /active/)
    assert.match(await row.innerText(), /by carol/)
    await screenshot(page, 'admin-gov-02-hold-placed')

    await row.getByRole('button', { name: 'Release hold LIT-2025-014' }).click()
    await page.getByRole('dialog', { name: 'Release this legal hold?' }).getByRole('button', { name: 'Release hold' }).click()
    await holds.getByText('No active legal holds.').waitFor()
    await holds.getByLabel('Show released holds').check()
    const released = holds.getByRole('row', { name: /LIT-2025-014/ })
    await released.waitFor()
    assert.match(await released.innerText(), /released/)
    assert.equal(await released.getByRole('button').count(), 0)
    assertClean(watch)
  })

  it('when carol rotates the transcript key and re-encrypts, then v2 is active and no data is left under v1', async () => {
    const keys = card(page, 'Transcript keys')
    const versions = keys.getByRole('region', { name: 'Key versions' })
    await versions.waitFor()
    const v1 = versions.getByRole('row', { name: /^v1 / })
    assert.match(await v1.innerText(), /active/)
    const messagesBefore = Number((await v1.locator('td').nth(4).innerText()).trim())
    assert.ok(messagesBefore >= 2, `messages under v1: ${messagesBefore}`)
    assert.equal(await keys.getByRole('button', { name: 'Re-encrypt older data' }).isDisabled(), true)

    await keys.getByRole('button', { name: 'Rotate key' }).click()
    await page.getByRole('dialog', { name: 'Rotate the transcript key?' }).getByRole('button', { name: 'Rotate' }).click()
    await keys.getByText('v1 retired, v2 is now active.').waitFor()
    await versions.getByRole('row', { name: /^v2 .*active/ }).waitFor()
    assert.match(await versions.getByRole('row', { name: /^v1 / }).innerText(), /retired/)
    await screenshot(page, 'admin-gov-03-rotated')

    await keys.getByRole('button', { name: 'Re-encrypt older data' }).click()
    await keys.getByText('Older data re-encrypted').waitFor()
    assert.match(await keys.innerText(), new RegExp(`${messagesBefore} messages and 1 conversation title moved to v2`))
    await versions.getByRole('row', { name: /^v2 / }).filter({ hasText: String(messagesBefore) }).waitFor()
    const after = await versions.getByRole('row', { name: /^v1 / }).locator('td').allInnerTexts()
    assert.deepEqual(after.slice(4).map((s) => s.trim()), ['0', '0'])
    assert.equal(await keys.getByRole('button', { name: 'Re-encrypt older data' }).isDisabled(), true)

    // Alice's conversation is still readable after rotation and re-encryption.
    const conv = await fetch(`${t.origin}/api/conversations`, { headers: { authorization: `Bearer ${await t.token('alice')}` } })
    assert.equal(conv.status, 200)
    assert.equal(((await conv.json()) as { conversations: unknown[] }).conversations.length, 1)
    await screenshot(page, 'admin-gov-04-rewrapped')
    assertClean(watch)
  })

  it('when the console is opened 375 px wide, then nothing scrolls sideways', async () => {
    await page.setViewportSize({ width: 375, height: 740 })
    await page.reload()
    await card(page, 'Transcript keys').getByRole('region', { name: 'Key versions' }).waitFor()
    await page.waitForLoadState('networkidle')
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    assert.ok(overflow <= 0, `the admin console scrolls horizontally by ${overflow}px`)
    await screenshot(page, 'admin-gov-05-phone')
    assertClean(watch)
  })
})
