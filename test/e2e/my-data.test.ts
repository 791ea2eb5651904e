import assert from 'node:assert/strict'
import fs from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import type { TestServer } from '../helpers/test-server.ts'
import { assertClean, screenshot, watchPage } from './helpers/browser.ts'
import { signIn } from './helpers/sign-in.ts'
import { closeWebSuite, openWebSuite } from './helpers/web-server.ts'

describe('web UI: export and delete my data', () => {
  let t: TestServer
  let browser: Browser

  before(async () => ({ t, browser } = await openWebSuite()))

  after(() => closeWebSuite(t, browser))

  it('when the delete dialog is cancelled with Escape, then focus returns and no delete request is sent', async () => {
    const page = await browser.newPage()
    const watch = await watchPage(page, t.origin)
    await signIn(page, t.origin, 'bob', { path: '/my-data' })
    const deletes: string[] = []
    page.on('request', (r) => { if (r.method() === 'DELETE') deletes.push(r.url()) })
    const open = page.getByRole('button', { name: 'Delete my data' })
    await open.focus()
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog', { name: 'Delete all your data?' })
    await dialog.waitFor()
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancel')
    await screenshot(page, 'my-data-01-confirm-delete', { fullPage: false })
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Delete my data')
    assert.deepEqual(deletes, [])
    assertClean(watch)
    await page.close()
  })

  it('when alice exports and then deletes her data, then a JSON file downloads and her sessions end', async () => {
    const page = await browser.newPage({ acceptDownloads: true })
    const watch = await watchPage(page, t.origin)
    await signIn(page, t.origin, 'alice', { path: '/my-data' })
    await page.getByRole('button', { name: 'Export my data' }).click()
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('dialog', { name: 'Export your data?' }).getByRole('button', { name: 'Download' }).click(),
    ])
    const exported = JSON.parse(await fs.readFile((await download.path())!, 'utf8')) as unknown
    assert.ok(exported !== null && typeof exported === 'object')
    assert.match(JSON.stringify(exported), /alice/)

    await page.getByRole('button', { name: 'Delete my data' }).click()
    await page.getByRole('dialog', { name: 'Delete all your data?' }).getByRole('button', { name: 'Delete everything' }).click()
    await page.getByText('Your data was deleted').waitFor()
    assert.match(await page.getByRole('status').filter({ hasText: 'Deleted' }).innerText(), /Deleted \d+ conversations? and \d+ sessions?/)
    await screenshot(page, 'my-data-02-deleted')
    assert.equal((await page.request.get(`${t.origin}/api/me`)).status(), 401)
    assertClean(watch)
    await page.close()
  })
})
