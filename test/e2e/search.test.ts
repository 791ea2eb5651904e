import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import type { TestServer } from '../helpers/test-server.ts'
import { assertClean, screenshot, watchPage } from './helpers/browser.ts'
import { uploadDocument } from './helpers/seed.ts'
import { signIn } from './helpers/sign-in.ts'
import { closeWebSuite, openWebSuite } from './helpers/web-server.ts'

const POLICY = 'Travel policy. Employees book economy class flights for trips under six hours. ' +
  'Business class needs written approval from a director. Hotel costs are reimbursed up to the city rate.'

describe('web UI: search', () => {
  let t: TestServer
  let browser: Browser

  before(async () => {
    ;({ t, browser } = await openWebSuite())
    await uploadDocument(t, 'carol', { title: 'Travel policy', text: POLICY, classification: 'internal' })
  })

  after(() => closeWebSuite(t, browser))

  it('when alice searches for an internal passage, then it is listed with title, classification and text', async () => {
    const page = await browser.newPage()
    const watch = await watchPage(page, t.origin)
    await signIn(page, t.origin, 'alice', { path: '/search' })
    await page.getByLabel('Search passages').fill('economy class flights')
    await page.getByRole('button', { name: 'Search' }).click()
    const results = page.getByRole('list', { name: 'Search results' })
    await results.waitFor()
    const first = await results.locator('li').first().innerText()
    assert.match(first, /Travel policy/)
    assert.match(first, /internal/i)
    assert.match(first, /economy class/)
    await screenshot(page, 'search-01-results')
    assertClean(watch)
    await page.close()
  })

  it('when mallory (public clearance) runs the same search, then the internal passage is not shown', async () => {
    const page = await browser.newPage()
    await signIn(page, t.origin, 'mallory', { path: '/search' })
    await page.getByLabel('Search passages').fill('economy class flights')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.getByText('No passages you can access match this search.').waitFor()
    assert.equal(await page.getByText('Travel policy').count(), 0)
    await page.close()
  })
})
