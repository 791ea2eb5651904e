import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { withOwner } from '../../server/db/tx.ts'
import { DATAMARK } from '../../server/chat/passages.ts'
import { ask, auditRows, DOCS, parseSse, startChatServer, transcriptCounts, type ChatTestServer } from '../helpers/chat-fixtures.ts'
import { startOpenAIStub, type StubReply, type StubRequest } from '../helpers/openai-stub.ts'

describe('chat through an OpenAI-compatible endpoint (local stub)', () => {
  let s: ChatTestServer
  let stub: Awaited<ReturnType<typeof startOpenAIStub>>
  let alice: string
  let next: (r: StubRequest) => StubReply = () => ({ text: 'The rotation changes every Monday [1].' })
  before(async () => {
    stub = await startOpenAIStub((r) => next(r))
    s = await startChatServer({
      LLM_PROVIDER: 'openai', LLM_BASE_URL: stub.baseUrl, LLM_MODEL: 'stub-model', LLM_API_KEY: 'sk-test-key-for-stub',
      LLM_TIMEOUT_MS: '1500', LLM_EGRESS_MAX_CLASSIFICATION: 'confidential',
    })
    alice = await s.token('alice')
  })
  after(async () => {
    await s.close()
    await stub.close()
  })
  const lastRequest = () => stub.requests.at(-1) as StubRequest

  it('when a question is answered, then the system message is exactly the versioned prompt with the canary and holds no user text', async () => {
    next = () => ({ text: 'Alerts must be acknowledged within 15 minutes [1].' })
    const question = 'Within how many minutes must pager alerts be acknowledged by the on-call engineer?'
    const r = await ask(s.origin, alice, { message: question })
    assert.equal(r.status, 200, r.text)
    const { messages, model } = lastRequest().body
    assert.equal(model, 'stub-model')
    assert.equal(lastRequest().authorization, 'Bearer sk-test-key-for-stub')
    assert.equal(messages.filter((m) => m.role === 'system').length, 1)
    assert.equal(messages[0]?.role, 'system')
    assert.equal(messages[0]?.content, s.systemPromptOf('alice'))
    assert.ok(messages[0]?.content.includes(s.canaryOf('alice')))
    assert.ok(!messages[0]?.content.includes('pager'))
    assert.equal(messages.at(-1)?.role, 'user')
    assert.ok(messages.at(-1)?.content.endsWith(`Question:\n${question}`))
    assert.equal(r.json.answer, 'Alerts must be acknowledged within 15 minutes [1].')
    assert.deepEqual(r.json.citations.map((c: { chunkId: string }) => c.chunkId), [DOCS.oncall.chunkId])
    assert.equal(r.json.provider, 'openai')
    assert.equal(r.json.model, 'stub-model')
    const answer = (await auditRows(s.db, 'acme', 'chat.answer')).at(-1)
    assert.equal(answer?.data.promptVersion, 'system-v1')
    assert.match(String(answer?.data.promptHash), /^[0-9a-f]{64}$/)
  })

  it('when passages are sent, then each sits in a block fenced by a per-request random boundary and is datamarked', async () => {
    next = () => ({ text: 'Claims are reimbursed on the 15th [1].' })
    await ask(s.origin, alice, { message: 'When does finance reimburse approved expense claims?' })
    const first = lastRequest().body.messages.at(-1)?.content as string
    await ask(s.origin, alice, { message: 'When does finance reimburse approved expense claims?' })
    const second = lastRequest().body.messages.at(-1)?.content as string
    const boundaryOf = (t: string) => /^Boundary token for this request: (SR[0-9A-F]{24})$/m.exec(t)?.[1]
    const b1 = boundaryOf(first)
    const b2 = boundaryOf(second)
    assert.ok(b1 && b2 && b1 !== b2)
    assert.match(first, new RegExp(`^BEGIN ${b1} 1$`, 'm'))
    assert.match(first, new RegExp(`^END ${b1} 1$`, 'm'))
    assert.ok(first.includes(`The${DATAMARK}finance${DATAMARK}team${DATAMARK}reimburses`))
    assert.ok(!first.includes('The finance team reimburses'))
  })

  it('when the message holds personal data, then placeholders leave the server and the user gets the values back', async () => {
    next = (r) => {
      const placeholder = /\[EMAIL_1\]/.exec(r.body.messages.at(-1)?.content ?? '')?.[0] ?? 'none'
      return { text: `Send the claim from ${placeholder} to finance; claims are reimbursed on the 15th [1].` }
    }
    const r = await ask(s.origin, alice, { message: 'I am jane.roe@contoso.example, when are expense claims reimbursed?' })
    assert.equal(r.status, 200, r.text)
    const sent = JSON.stringify(lastRequest().body)
    assert.ok(!sent.includes('jane.roe@contoso.example'))
    assert.ok(sent.includes('I am [EMAIL_1], when are expense claims reimbursed?'))
    assert.match(r.json.answer, /from jane\.roe@contoso\.example to finance/)
  })

  it('when a follow-up is asked, then earlier turns go as user and assistant messages, never as system text', async () => {
    next = () => ({ text: 'Receipts must be attached [1].' })
    const first = await ask(s.origin, alice, { message: 'Within how many days may travel expenses be claimed?' })
    await ask(s.origin, alice, { message: 'And must receipts be attached to expense claims?', conversationId: first.json.conversationId })
    const roles = lastRequest().body.messages.map((m) => m.role)
    assert.deepEqual(roles, ['system', 'user', 'assistant', 'user'])
    assert.equal(lastRequest().body.messages[1]?.content, 'Within how many days may travel expenses be claimed?')
    assert.equal(lastRequest().body.messages[0]?.content, s.systemPromptOf('alice'))
  })

  it('when the provider fails, then the error is clear, it was called once (no retry) and nothing is stored', async () => {
    next = () => ({ status: 500 })
    const calls = stub.requests.length
    const before = await transcriptCounts(s.db)
    const r = await ask(s.origin, alice, { message: 'When are expense claims reimbursed?' })
    assert.equal(r.status, 502)
    assert.equal(r.json.error.code, 'provider_error')
    assert.match(r.json.error.message, /nothing was stored/)
    assert.equal(stub.requests.length, calls + 1)
    assert.deepEqual(await transcriptCounts(s.db), before)
    assert.equal((await auditRows(s.db, 'acme', 'chat.answer')).at(-1)?.outcome, 'failure')
  })

  it('when the provider does not answer in time, then 504 with a clear error, nothing stored, and the slot is freed', async () => {
    const before = await transcriptCounts(s.db)
    for (const stream of [false, true]) {
      next = () => ({ hangMs: 4000 })
      const started = Date.now()
      const r = await ask(s.origin, alice, { message: 'When are expense claims reimbursed?' }, { stream })
      assert.equal(r.status, 504, r.text)
      assert.equal(r.json.error.code, 'provider_timeout')
      assert.ok(Date.now() - started < 3500)
    }
    assert.deepEqual(await transcriptCounts(s.db), before)
    next = () => ({ text: 'Claims are reimbursed on the 15th [1].' })
    assert.equal((await ask(s.origin, alice, { message: 'When are expense claims reimbursed?' })).status, 200)
  })

  it('when the stream breaks after text was sent, then an error event ends it and nothing is stored', async () => {
    next = () => ({ text: 'Claims are reimbursed monthly.\nOn the 15th of each month [1]. More text follows here.', chunkChars: 4, chunkDelayMs: 5, breakAfterChunks: 12 })
    const before = await transcriptCounts(s.db)
    const r = await ask(s.origin, alice, { message: 'When are expense claims reimbursed?' }, { stream: true })
    assert.equal(r.status, 200)
    const events = parseSse(r.text)
    assert.equal(events[0]?.event, 'token')
    assert.equal(events[0]?.data.text, 'Claims are reimbursed monthly.')
    assert.equal(events.at(-1)?.event, 'error')
    assert.equal(events.at(-1)?.data.code, 'provider_error')
    assert.ok(!events.some((e) => e.event === 'done'))
    assert.deepEqual(await transcriptCounts(s.db), before)
  })

  it('when passages are above the egress limit, then they are not sent and the answer says why', async () => {
    await withOwner(s.db, (tx) => tx.query(`UPDATE tenants SET settings = jsonb_build_object('egress', jsonb_build_object('openai', 'internal')) WHERE tenant_id = 'acme'`))
    try {
      await new Promise((resolve) => setTimeout(resolve, 50))
      const calls = stub.requests.length
      next = () => ({ text: 'should not be called' })
      // A fresh server instance: the egress setting is cached per instance for 30 s.
      const other = await s.secondInstance()
      const r = await ask(other.origin, alice, { message: 'Within how many minutes must pager alerts be acknowledged by the on-call engineer?' })
      assert.equal(r.status, 200, r.text)
      assert.equal(stub.requests.length, calls)
      assert.match(r.json.answer, /classified above internal/)
      assert.deepEqual(r.json.citations, [])
      await other.close()
    } finally {
      await withOwner(s.db, (tx) => tx.query(`UPDATE tenants SET settings = '{}'::jsonb WHERE tenant_id = 'acme'`))
    }
  })
})
