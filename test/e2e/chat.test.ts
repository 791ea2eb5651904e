import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import type { TestServer } from '../helpers/test-server.ts'
import { assertClean, launchBrowser, screenshot, watchPage } from './helpers/browser.ts'
import { uploadDocument } from './helpers/seed.ts'
import { signIn } from './helpers/sign-in.ts'
import { startWebServer } from './helpers/web-server.ts'

const RUNBOOK = 'Incident runbook. When the payment gateway fails, page the on-call engineer and switch traffic to the ' +
  'standby region within fifteen minutes. Record every step in the incident channel.'
const STANDBY = 'Standby region notes. The standby region runs in Dublin with a warm copy of every service. Traffic returns ' +
  'to the primary region only after the incident commander approves.'

describe('web UI: chat with citations and history (offline extractive provider)', () => {
  let t: TestServer
  let browser: Browser

  before(async () => {
    t = await startWebServer()
    browser = await launchBrowser()
    await uploadDocument(t, 'carol', { title: 'Incident runbook', text: RUNBOOK, classification: 'confidential', departments: ['engineering'] })
    await uploadDocument(t, 'carol', { title: 'Standby region notes', text: STANDBY, classification: 'internal', departments: ['engineering'] })
  })

  after(async () => {
    await browser?.close()
    await t?.close()
  })

  it('when alice asks a question, then the streamed answer shows its classification, the extractive notice and its sources', async () => {
    const page = await browser.newPage()
    const watch = await watchPage(page, t.origin)
    await signIn(page, t.origin, 'alice')
    await page.getByLabel('Your question').fill('What do we do when the payment gateway fails?')
    await page.getByRole('button', { name: 'Send' }).click()
    const answer = page.getByRole('article', { name: 'Answer' }).last()
    await answer.getByRole('region', { name: 'Sources' }).waitFor()
    assert.match(await answer.innerText(), /standby region/)
    assert.match(await answer.locator('.message-meta .badge').innerText(), /confidential/i)
    await answer.getByText('Extractive mode').waitFor()
    const source = answer.locator('.citation').first()
    assert.match(await source.innerText(), /Incident runbook/)
    assert.match(await source.locator('.citation-snippet').innerText(), /switch traffic to the standby region/)
    assert.equal(await answer.getByRole('button', { name: 'Source 1: Incident runbook' }).count(), 1)
    await screenshot(page, 'chat-01-answer')

    await source.getByRole('button', { name: /Open passage/ }).click()
    const dialog = page.getByRole('dialog')
    assert.match(await dialog.innerText(), /Incident runbook/)
    await screenshot(page, 'chat-02-passage', { fullPage: false })
    await dialog.getByRole('button', { name: 'Close' }).click()

    await page.waitForURL(/\/chat\/[\w-]+$/)
    const history = page.getByRole('navigation', { name: 'Conversations' })
    await history.locator('.conversation-link').first().waitFor()
    await page.reload()
    await page.getByRole('article', { name: 'Your question' }).waitFor()
    assert.match(await page.getByRole('article', { name: 'Answer' }).first().innerText(), /standby region/)
    await page.getByRole('article', { name: 'Answer' }).first().getByText('Extractive mode').waitFor()

    await history.getByRole('button', { name: /Delete conversation/ }).first().click()
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click()
    await page.waitForURL(`${t.origin}/`)
    await history.getByText('No conversations yet.').waitFor()
    assertClean(watch)
    await page.close()
  })

  it('when an answer cites two sources, then each marker in the text opens the source listed under its number, with its snippet', async () => {
    const page = await browser.newPage()
    const watch = await watchPage(page, t.origin)
    await signIn(page, t.origin, 'alice')
    await page.getByLabel('Your question').fill('Where does the standby region run, and what happens when the payment gateway fails?')
    await page.getByRole('button', { name: 'Send' }).click()
    const answer = page.getByRole('article', { name: 'Answer' }).last()
    await answer.getByRole('region', { name: 'Sources' }).waitFor()
    const items = answer.locator('.citation')
    assert.equal(await items.count(), 2)
    const quotes = [...(await answer.locator('.message-body').innerText()).matchAll(/"([^"]+)" \[(\d)\]/g)]
    assert.deepEqual([...new Set(quotes.map((q) => q[2]))], ['1', '2'])
    for (const [, quote, k] of quotes) {
      const item = items.nth(Number(k) - 1)
      const title = await item.locator('.citation-title').innerText()
      assert.equal(await item.locator('.citation-index').innerText(), k)
      assert.ok((await item.locator('.citation-snippet').innerText()).includes(quote as string), `${quote} is not in source ${k}`)
      const marker = answer.locator('.message-body').getByRole('button', { name: `Source ${k}: ${title}` }).first()
      await marker.click()
      const dialog = page.getByRole('dialog')
      assert.equal(await dialog.getByRole('heading').innerText(), title)
      assert.ok((await dialog.locator('.passage-text').innerText()).includes(quote as string))
      if (k === '2') await screenshot(page, 'chat-03-marker-opens-source', { fullPage: false })
      await dialog.getByRole('button', { name: 'Close' }).click()
      await dialog.waitFor({ state: 'hidden' })
    }
    assertClean(watch)
    await page.close()
  })
})
