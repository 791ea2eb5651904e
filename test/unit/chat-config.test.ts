import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { loadConfig } from '../../server/config.ts'
import { ConfigError } from '../../server/errors.ts'

const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env)
    return []
  } catch (err) {
    assert.ok(err instanceof ConfigError)
    return err.problems
  }
}

describe('chat configuration', () => {
  it('when nothing is set, then the offline extractive provider runs and may see every level', () => {
    const c = loadConfig({}).chat
    assert.equal(c.provider, 'extractive')
    assert.equal(c.egressMax, 'restricted')
    assert.equal(c.declineWhenUngrounded, true)
    assert.deepEqual(c.linkAllowlist, [])
    assert.equal(c.promptCanary, undefined)
  })

  it('when the openai provider is chosen, then it needs a key and defaults to sending internal passages at most', () => {
    assert.ok(problems({ LLM_PROVIDER: 'openai' }).some((p) => p.startsWith('LLM_API_KEY:')))
    const c = loadConfig({ LLM_PROVIDER: 'openai', LLM_API_KEY: 'k', LLM_BASE_URL: 'http://127.0.0.1:11434/v1/' }).chat
    assert.equal(c.egressMax, 'internal')
    assert.equal(c.llm.baseUrl, 'http://127.0.0.1:11434/v1')
    assert.equal(loadConfig({ LLM_PROVIDER: 'openai', LLM_API_KEY: 'k', LLM_EGRESS_MAX_CLASSIFICATION: 'public' }).chat.egressMax, 'public')
  })

  it('when production starts without a prompt canary, then it is refused with what to set', () => {
    assert.ok(problems({ NODE_ENV: 'production' }).some((p) => p.startsWith('PROMPT_CANARY: required in production')))
    assert.ok(!problems({ NODE_ENV: 'production', PROMPT_CANARY: 'a-long-random-canary-secret' }).some((p) => p.startsWith('PROMPT_CANARY')))
  })

  it('when limits and the link allow-list are set, then they are parsed and bad values are named', () => {
    const c = loadConfig({ CHAT_LINK_ALLOWLIST: 'Intranet.Acme.example,*.docs.acme.example', CHAT_MAX_CONCURRENT: '3', CHAT_DECLINE_WHEN_UNGROUNDED: 'false' }).chat
    assert.deepEqual(c.linkAllowlist, ['intranet.acme.example', '*.docs.acme.example'])
    assert.equal(c.maxConcurrent, 3)
    assert.equal(c.declineWhenUngrounded, false)
    assert.ok(problems({ CHAT_LINK_ALLOWLIST: 'https://evil.example/x' }).some((p) => p.startsWith('CHAT_LINK_ALLOWLIST')))
    assert.ok(problems({ CHAT_INJECTION_THRESHOLD: '2' }).some((p) => p.startsWith('CHAT_INJECTION_THRESHOLD')))
    assert.ok(problems({ PROMPT_CANARY: 'short' }).some((p) => p.startsWith('PROMPT_CANARY')))
  })
})
