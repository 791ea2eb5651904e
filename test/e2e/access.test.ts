import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import type { TestServer } from '../helpers/test-server.ts'
import { assertClean, screenshot, watchPage, type PageWatch } from './helpers/browser.ts'
import { uploadDocument } from './helpers/seed.ts'
import { signIn } from './helpers/sign-in.ts'
import { closeWebSuite, openWebSuite } from './helpers/web-server.ts'

/*
 * Access control as an employee sees it: the same question asked by two users of one tenant, answered by the real
 * server (offline extractive provider) from the passages each one may read. alice: engineering, confidential
 * clearance. bob: finance, internal clearance.
 */

interface Asked {
  text: string
  sources: string[]
}

/** Asks in the chat view and waits for the finished answer; returns its text and the titles of its sources. */
async function ask(page: Page, question: string): Promise<Asked> {
  await page.getByLabel('Your question').fill(question)
  await page.getByRole('button', { name: 'Send' }).click()
  const answer = page.locator('article.message-assistant[aria-busy="false"]').last()
  await answer.waitFor()
  return { text: await answer.locator('.message-body').innerText(), sources: await answer.locator('.citation-title').allInnerTexts() }
}

async function signedInPage(browser: Browser, t: TestServer, user: string): Promise<{ page: Page; watch: PageWatch }> {
  const page = await browser.newPage()
  const watch = await watchPage(page, t.origin)
  await signIn(page, t.origin, user)
  return { page, watch }
}

describe('web UI: the same question from alice and bob cites different sources', () => {
  let t: TestServer
  let browser: Browser
  const QUESTION = 'What is the procedure when the payment gateway fails?'

  before(async () => {
    ;({ t, browser } = await openWebSuite())
    await uploadDocument(t, 'carol', {
      title: 'Payment gateway failover runbook', classification: 'confidential', departments: ['engineering'],
      text: 'Payment gateway failover runbook. The procedure when the payment gateway fails: the on-call engineer switches card traffic to the standby region and opens an incident bridge.',
    })
    await uploadDocument(t, 'carol', {
      title: 'Payment gateway FAQ', classification: 'internal',
      text: 'Payment gateway FAQ. When the payment gateway fails, customers see a retry message and the finance team reconciles the failed payments the next morning.',
    })
  })

  after(() => closeWebSuite(t, browser))

  it('when alice and bob ask it, then alice sees the confidential engineering runbook and bob only the internal FAQ', async () => {
    const alice = await signedInPage(browser, t, 'alice')
    const a = await ask(alice.page, QUESTION)
    await screenshot(alice.page, 'access-01-alice-answer')

    const bob = await signedInPage(browser, t, 'bob')
    const b = await ask(bob.page, QUESTION)
    await screenshot(bob.page, 'access-02-bob-answer')

    assert.ok(a.sources.includes('Payment gateway failover runbook'), `alice's sources: ${a.sources.join(', ')}`)
    assert.match(a.text, /standby region/)
    assert.ok(b.sources.includes('Payment gateway FAQ'), `bob's sources: ${b.sources.join(', ')}`)
    assert.ok(!b.sources.includes('Payment gateway failover runbook'), `bob's sources: ${b.sources.join(', ')}`)
    assert.doesNotMatch(b.text, /standby region|incident bridge/)
    assert.notDeepEqual([...a.sources].sort(), [...b.sources].sort())
    assertClean(alice.watch)
    assertClean(bob.watch)
    await alice.page.close()
    await bob.page.close()
  })
})

describe('web UI: a confidential engineering document uploaded by carol reaches alice, not bob', () => {
  let t: TestServer
  let browser: Browser
  const QUESTION = 'What is the rollback procedure for the ledger service?'

  before(async () => ({ t, browser } = await openWebSuite()))

  after(() => closeWebSuite(t, browser))

  it('when carol signs in with her second factor and uploads it in the admin console, then alice finds it and bob does not', async () => {
    const carol = await browser.newPage()
    const carolWatch = await watchPage(carol, t.origin)
    await signIn(carol, t.origin, 'carol', { path: '/admin', shot: (step) => screenshot(carol, `access-03-carol-${step}`) })
    const me = (await (await carol.request.get(`${t.origin}/api/me`)).json()) as { amr: string[]; mfaFresh: boolean }
    assert.ok(me.amr.includes('otp'), `amr ${JSON.stringify(me.amr)}`)
    assert.equal(me.mfaFresh, true)
    await carol.getByRole('heading', { name: 'Admin console' }).waitFor()
    await carol.getByLabel('File').setInputFiles({
      name: 'ledger-rollback.md', mimeType: 'text/markdown',
      buffer: Buffer.from('# Ledger rollback procedure\n\nThe rollback procedure for the ledger service: freeze writes, restore the last verified snapshot, then replay the journal from the checkpoint marker.\n'),
    })
    await carol.getByLabel('Title').fill('Ledger rollback procedure')
    await carol.getByLabel('Classification').first().selectOption('confidential')
    await carol.getByLabel('Departments').fill('engineering')
    await screenshot(carol, 'access-04-carol-upload-form')
    await carol.getByRole('button', { name: 'Upload' }).click()
    await carol.getByText('ledger-rollback.md was uploaded and scanned.').waitFor()
    const row = carol.getByRole('row', { name: /Ledger rollback procedure/ })
    await row.waitFor()
    assert.match(await row.innerText(), /confidential/i)
    assert.match(await row.innerText(), /engineering/)
    assert.match(await row.innerText(), /active/)
    await screenshot(carol, 'access-05-carol-uploaded')
    assertClean(carolWatch)
    await carol.close()

    const alice = await signedInPage(browser, t, 'alice')
    const a = await ask(alice.page, QUESTION)
    await screenshot(alice.page, 'access-06-alice-finds-it')
    assert.ok(a.sources.includes('Ledger rollback procedure'), `alice's sources: ${a.sources.join(', ')}`)
    assert.match(a.text, /restore the last verified snapshot/)

    const bob = await signedInPage(browser, t, 'bob')
    const b = await ask(bob.page, QUESTION)
    await screenshot(bob.page, 'access-07-bob-does-not')
    assert.deepEqual(b.sources, [])
    assert.match(b.text, /could not find this in the documents you can access/)
    await bob.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Search' }).click()
    await bob.page.getByLabel('Search passages').fill('ledger rollback snapshot')
    await bob.page.getByRole('button', { name: 'Search' }).click()
    await bob.page.getByText('No passages you can access match this search.').waitFor()
    assert.equal(await bob.page.getByText('Ledger rollback procedure').count(), 0)
    assertClean(alice.watch)
    assertClean(bob.watch)
    await alice.page.close()
    await bob.page.close()
  })
})
