import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { asMaintenance } from '../helpers/audit-fixtures.ts'
import type { TestServer } from '../helpers/test-server.ts'
import { assertClean, screenshot, watchPage, type PageWatch } from './helpers/browser.ts'
import { uploadDocument } from './helpers/seed.ts'
import { signIn } from './helpers/sign-in.ts'
import { closeWebSuite, openWebSuite } from './helpers/web-server.ts'

const typeCells = (page: Page) => page.getByRole('region', { name: 'Audit events' }).locator('tbody tr td:nth-child(3)')
const seqCells = (page: Page) => page.getByRole('region', { name: 'Audit events' }).locator('tbody tr td:nth-child(1)')

describe('web UI: auditor view', () => {
  let t: TestServer
  let browser: Browser
  // One sign-in for all tests: a second TOTP login of the same user would wait for the next 30 s step.
  let page: Page
  let watch: PageWatch

  before(async () => {
    ;({ t, browser } = await openWebSuite())
    // Real events of the tenant: two document uploads (document.ingest), and 30 reads of the log by erin through
    // the API (audit.read), enough for more than one page of 25.
    await uploadDocument(t, 'carol', { title: 'Travel policy', classification: 'internal', text: 'Travel policy. Book economy class for trips under six hours.' })
    await uploadDocument(t, 'carol', { title: 'Expense policy', classification: 'internal', text: 'Expense policy. Claims need receipts within thirty days.' })
    const erin = await t.token('erin')
    for (let i = 0; i < 30; i++) {
      const res = await fetch(`${t.origin}/api/admin/audit?limit=1`, { headers: { authorization: `Bearer ${erin}` } })
      assert.equal(res.status, 200)
    }
  })

  after(() => closeWebSuite(t, browser))

  it('when erin (auditor only) signs in, then she lands on the audit log with an intact chain and sees no chat or admin navigation', async () => {
    page = await browser.newPage({ acceptDownloads: true })
    watch = await watchPage(page, t.origin)
    await signIn(page, t.origin, 'erin')
    await page.waitForURL(`${t.origin}/audit`)
    const nav = await page.getByRole('navigation', { name: 'Main' }).innerText()
    assert.match(nav, /Audit/)
    assert.doesNotMatch(nav, /Chat|Search|Admin/)
    await page.getByRole('heading', { name: 'Audit log' }).waitFor()
    const chain = page.getByTestId('chain-status')
    await chain.waitFor()
    assert.match(await chain.innerText(), /^intact/i)
    assert.ok(await typeCells(page).count() >= 1)
    await screenshot(page, 'audit-01-view')
    await page.goto(`${t.origin}/admin`)
    await page.getByText('This page needs the admin role.').waitFor()
    assertClean(watch)
  })

  it('when the auditor filters by an event type, then every listed event has that type and the export holds exactly those', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click()
    await typeCells(page).first().waitFor()
    await page.getByLabel('Event type').fill('document.ingest')
    await page.getByRole('button', { name: 'Apply' }).click()
    await page.waitForLoadState('networkidle')
    const types = await typeCells(page).allInnerTexts()
    assert.equal(types.length, 2)
    for (const type of types) assert.equal(type.trim(), 'document.ingest')
    await screenshot(page, 'audit-02-filtered')

    const link = page.getByRole('link', { name: 'Export NDJSON' })
    assert.equal(await link.getAttribute('href'), '/api/admin/audit/export?type=document.ingest')
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()])
    const lines = (await fs.readFile((await download.path())!, 'utf8')).trim().split('\n')
    assert.equal(lines.length, 2)
    for (const line of lines) {
      const event = JSON.parse(line) as { metadata: { event_code: string; tenant_uid: string } }
      assert.equal(event.metadata.event_code, 'document.ingest')
      assert.equal(event.metadata.tenant_uid, 'acme')
    }
    assertClean(watch)
  })

  it('when the filter is malformed, then the form says so and no request is sent', async () => {
    let asked = 0
    const count = (r: { url(): string }) => { if (r.url().includes('/api/admin/audit?')) asked++ }
    page.on('request', count)
    await page.getByLabel('Event type').fill('Document Ingest')
    await page.getByRole('button', { name: 'Apply' }).click()
    await page.getByText('An event type looks like auth.login or document.delete.').waitFor()
    assert.equal(asked, 0)
    page.off('request', count)
  })

  it('when there are more events than fit a page, then Next shows older events and Previous returns to the first page', async () => {
    await page.getByLabel('Event type').fill('')
    await page.getByLabel('Per page').selectOption('25')
    await page.getByRole('button', { name: 'Apply' }).click()
    await page.getByText(/^Page 1 · 25 events$/).waitFor()
    const first = await seqCells(page).allInnerTexts()
    assert.equal(first.length, 25)
    const numbers = first.map(Number)
    assert.deepEqual(numbers, [...numbers].sort((a, b) => b - a), 'newest first')

    await page.getByRole('button', { name: 'Next' }).click()
    await page.getByText(/^Page 2 · \d+ events?$/).waitFor()
    const second = (await seqCells(page).allInnerTexts()).map(Number)
    assert.ok(second.length >= 1)
    assert.ok(Math.max(...second) < Math.min(...numbers), `the second page holds only older events: ${second.join(',')} after ${numbers.join(',')}`)
    await screenshot(page, 'audit-03-page-2')

    // Reading the log is itself audited (audit.read), so page 1 asked again starts with those newer reads and then
    // continues exactly where it did before.
    await page.getByRole('button', { name: 'Previous' }).click()
    await page.getByText(/^Page 1 · 25 events$/).waitFor()
    const again = (await seqCells(page).allInnerTexts()).map(Number)
    const newer = again.filter((n) => n > numbers[0]!)
    assert.ok(newer.length >= 1 && newer.length <= 3, `newer entries: ${newer.join(', ')}`)
    assert.deepEqual(again.slice(newer.length), numbers.slice(0, again.length - newer.length))
    assertClean(watch)
  })

  it('when the audit log is opened 375 px wide, then nothing scrolls sideways', async () => {
    await page.setViewportSize({ width: 375, height: 740 })
    await page.reload()
    await page.getByTestId('chain-status').waitFor()
    await typeCells(page).first().waitFor()
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    assert.ok(overflow <= 0, `the audit log scrolls horizontally by ${overflow}px`)
    await screenshot(page, 'audit-04-phone')
    assertClean(watch)
  })

  it('when an entry is altered in the database, then "Verify again" reports the chain broken at that entry', async () => {
    await asMaintenance(t.db, 'acme', (tx) => tx.query(`UPDATE audit_log SET actor = 'mallory' WHERE tenant_id = 'acme' AND seq = 2`))
    await page.getByRole('button', { name: 'Verify again' }).click()
    const chain = page.getByTestId('chain-status')
    await chain.filter({ hasText: /^broken/i }).waitFor()
    const problem = page.getByRole('alert').filter({ hasText: 'First problem' })
    await problem.waitFor()
    assert.match(await problem.innerText(), /seq\s+2\b/)
    await screenshot(page, 'audit-05-broken')
    assertClean(watch)
  })
})
