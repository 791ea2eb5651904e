import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ask, startChatServer, transcriptCounts, type ChatTestServer } from '../helpers/chat-fixtures.ts'
import { startOpenAIStub } from '../helpers/openai-stub.ts'

const QUESTION = { message: 'When are approved expense claims reimbursed?' }

describe('chat limits shared by every instance', () => {
  let s: ChatTestServer
  let stub: Awaited<ReturnType<typeof startOpenAIStub>>
  let delayMs = 0
  let promptTokens = 100
  before(async () => {
    stub = await startOpenAIStub(() => ({ text: 'Claims are paid on the 15th [1].', delayMs, promptTokens }))
    s = await startChatServer({
      LLM_PROVIDER: 'openai', LLM_BASE_URL: stub.baseUrl, LLM_API_KEY: 'sk-stub', RATE_LIMIT_CHAT_PER_MINUTE: '3',
      CHAT_MAX_CONCURRENT: '1', CHAT_DAILY_TOKEN_BUDGET: '300',
    })
  })
  after(async () => {
    await s.close()
    await stub.close()
  })

  it('when a user exceeds the chat rate, then 429 with Retry-After, counted across instances', async () => {
    const token = await s.token('alice')
    const other = await s.secondInstance()
    assert.equal((await ask(s.origin, token, QUESTION)).status, 200)
    assert.equal((await ask(other.origin, token, QUESTION)).status, 200)
    const calls = stub.requests.length
    const third = await ask(other.origin, token, QUESTION)
    assert.equal(third.status, 200)
    const fourth = await ask(s.origin, token, QUESTION)
    assert.equal(fourth.status, 429)
    assert.equal(fourth.json.error.code, 'rate_limited')
    assert.ok(Number(fourth.headers.get('retry-after')) >= 1)
    assert.equal(stub.requests.length, calls + 1)
    await other.close()
  })

  it('when a user already has the allowed number of requests in flight on one instance, then another instance refuses with 429', async () => {
    const token = await s.token('bob')
    const other = await s.secondInstance()
    delayMs = 1500
    try {
      const slow = ask(s.origin, token, QUESTION)
      await new Promise((resolve) => setTimeout(resolve, 500))
      const refused = await ask(other.origin, token, QUESTION)
      assert.equal(refused.status, 429)
      assert.equal(refused.json.error.code, 'chat_concurrency_limit')
      assert.equal(refused.headers.get('retry-after'), '2')
      assert.equal((await slow).status, 200)
    } finally {
      delayMs = 0
    }
    assert.equal((await ask(other.origin, token, QUESTION)).status, 200)
    await other.close()
  })

  it('when a user has spent the daily token budget, then 429 with Retry-After until midnight UTC and nothing more is sent', async () => {
    const token = await s.token('mallory')
    const stored = await transcriptCounts(s.db)
    promptTokens = 250
    let status = 200
    let last: Awaited<ReturnType<typeof ask>> | undefined
    for (let i = 0; i < 5 && status === 200; i++) {
      last = await ask(s.origin, token, { message: 'Who can I contact at the travel desk about booking changes?' })
      status = last.status
    }
    promptTokens = 100
    assert.equal(status, 429)
    assert.equal(last?.json.error.code, 'chat_budget_exhausted')
    const retry = Number(last?.headers.get('retry-after'))
    const untilMidnight = (new Date().setUTCHours(24, 0, 0, 0) - Date.now()) / 1000
    assert.ok(Math.abs(retry - untilMidnight) < 120, `${retry} vs ${untilMidnight}`)
    const after = await transcriptCounts(s.db)
    assert.ok(after.messages > stored.messages)
  })
})
