import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { NOT_FOUND } from '../../server/chat/chat.service.ts'
import { canaryFor, loadCanarySecret } from '../../server/chat/prompts/canary.ts'
import { loadPromptTemplates, renderSystemPrompt } from '../../server/chat/prompts/system-prompt.ts'
import { ask, auditRows, DOCS, startChatServer, type ChatTestServer } from '../helpers/chat-fixtures.ts'
import { startOpenAIStub, type StubRequest } from '../helpers/openai-stub.ts'

describe('grounding', () => {
  let stub: Awaited<ReturnType<typeof startOpenAIStub>>
  before(async () => {
    stub = await startOpenAIStub(() => ({ text: 'General answer, not from your documents.' }))
  })
  after(() => stub.close())

  describe('with the default (decline when ungrounded)', () => {
    let s: ChatTestServer
    before(async () => {
      s = await startChatServer({ LLM_PROVIDER: 'openai', LLM_BASE_URL: stub.baseUrl, LLM_API_KEY: 'sk-stub' })
    })
    after(() => s.close())

    it('when no permitted passage is relevant, then the model is not called and the answer is the polite decline', async () => {
      const calls = stub.requests.length
      const r = await ask(s.origin, await s.token('alice'), { message: 'What is the capital of Australia?' })
      assert.equal(r.status, 200, r.text)
      assert.equal(r.json.answer, NOT_FOUND)
      assert.deepEqual(r.json.citations, [])
      assert.equal(stub.requests.length, calls)
    })

    it('when the only relevant passage was flagged at ingest as carrying instructions, then it never reaches the model', async () => {
      const calls = stub.requests.length
      const r = await ask(s.origin, await s.token('alice'), { message: 'Who issues visitor car park permits at reception?' })
      assert.equal(r.status, 200, r.text)
      assert.equal(r.json.answer, NOT_FOUND)
      assert.equal(stub.requests.length, calls)
      const decision = (await auditRows(s.db, 'acme', 'retrieval.decision')).at(-1)
      assert.ok(decision?.data.chunkIds.includes(DOCS.planted.chunkId))
      assert.equal(decision?.data.flaggedExcluded, 1)
      assert.deepEqual(decision?.data.sent, [])
    })
  })

  describe('with CHAT_DECLINE_WHEN_UNGROUNDED=false', () => {
    let s: ChatTestServer
    before(async () => {
      s = await startChatServer({ LLM_PROVIDER: 'openai', LLM_BASE_URL: stub.baseUrl, LLM_API_KEY: 'sk-stub', CHAT_DECLINE_WHEN_UNGROUNDED: 'false' })
    })
    after(() => s.close())

    it('when no passage is relevant, then the model answers under the versioned open prompt with no passages', async () => {
      const r = await ask(s.origin, await s.token('alice'), { message: 'What is the capital of Australia?' })
      assert.equal(r.status, 200, r.text)
      assert.equal(r.json.answer, 'General answer, not from your documents.')
      assert.deepEqual(r.json.citations, [])
      assert.equal(r.json.classification, 'public')
      const sent = (stub.requests.at(-1) as StubRequest).body.messages
      const secret = loadCanarySecret(s.config.chat.promptCanary, s.config.dataDir)
      assert.equal(sent[0]?.content, renderSystemPrompt(loadPromptTemplates().open, canaryFor(secret, 'acme', 'alice')).text)
      assert.deepEqual(sent.slice(1), [{ role: 'user', content: 'What is the capital of Australia?' }])
      assert.equal((await auditRows(s.db, 'acme', 'chat.answer')).at(-1)?.data.promptVersion, 'open-v1')
    })
  })
})
