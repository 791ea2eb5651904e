import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { HISTORY_MESSAGES, priorTurns, WITHHELD_HISTORY } from '../../server/chat/history.ts'
import { withOwner } from '../../server/db/tx.ts'
import { appendMessages, startConversation } from '../../server/transcripts/index.ts'
import { ask, DOCS, startChatServer, type ChatTestServer } from '../helpers/chat-fixtures.ts'
import { citation, principalOf } from '../helpers/transcript-fixtures.ts'
import { startOpenAIStub, type StubRequest } from '../helpers/openai-stub.ts'

/** Moves the on-call handbook out of engineering, as an admin re-tagging it would: the document and its chunks. */
async function retag(s: ChatTestServer, departments: string[]) {
  await withOwner(s.db, async (tx) => {
    await tx.query(`UPDATE documents SET departments = $2 WHERE document_id = $1`, [DOCS.oncall.documentId, departments])
    await tx.query(`UPDATE chunks SET departments = $2 WHERE document_id = $1`, [DOCS.oncall.documentId, departments])
  })
}

describe('history is re-checked against the current access rule', () => {
  let s: ChatTestServer
  let stub: Awaited<ReturnType<typeof startOpenAIStub>>
  let alice: string
  before(async () => {
    stub = await startOpenAIStub((r) => ({ text: /pager|on-call/i.test(r.body.messages.at(-1)?.content ?? '') ? 'Alerts are acknowledged within 15 minutes [1].' : 'Claims are paid on the 15th [1].' }))
    s = await startChatServer({ LLM_PROVIDER: 'openai', LLM_BASE_URL: stub.baseUrl, LLM_API_KEY: 'sk-stub', LLM_EGRESS_MAX_CLASSIFICATION: 'confidential' })
    alice = await s.token('alice')
  })
  after(async () => {
    await s.close()
    await stub.close()
  })

  it('when access to a cited document is revoked, then reading the conversation withholds the citation and the answer that used it', async () => {
    const first = await ask(s.origin, alice, { message: 'Within how many minutes must on-call pager alerts be acknowledged?' })
    assert.equal(first.status, 200, first.text)
    assert.deepEqual(first.json.citations.map((c: { chunkId: string }) => c.chunkId), [DOCS.oncall.chunkId])
    const id = first.json.conversationId
    const second = await ask(s.origin, alice, { message: 'When are approved expense claims reimbursed?', conversationId: id })
    assert.equal(second.status, 200, second.text)
    const read = async () => (await fetch(`${s.origin}/api/conversations/${id}`, { headers: { authorization: `Bearer ${alice}` } })).json()

    const beforeRevoke = await read()
    assert.equal(beforeRevoke.withheldCitations, 0)
    assert.equal(beforeRevoke.messages[1].citations[0].chunkId, DOCS.oncall.chunkId)

    await retag(s, ['finance'])
    try {
      const afterRevoke = await read()
      assert.equal(afterRevoke.withheldCitations, 1)
      assert.deepEqual(afterRevoke.messages[1].citations, [])
      assert.equal(afterRevoke.messages[1].text, WITHHELD_HISTORY)
      assert.ok(!JSON.stringify(afterRevoke).includes(DOCS.oncall.chunkId))
      assert.ok(!JSON.stringify(afterRevoke).includes('15 minutes'))
      assert.equal(afterRevoke.messages[0].text, 'Within how many minutes must on-call pager alerts be acknowledged?')
      assert.deepEqual(afterRevoke.messages[3].citations.map((c: { chunkId: string }) => c.chunkId), [DOCS.expenses.chunkId])

      // A follow-up does not give the model the withheld answer as history either.
      await ask(s.origin, alice, { message: 'Must receipts be attached to expense claims?', conversationId: id })
      const sent = JSON.stringify((stub.requests.at(-1) as StubRequest).body.messages)
      assert.ok(!sent.includes('15 minutes'))
      assert.ok(sent.includes('Claims are paid on the 15th [1].'))
    } finally {
      await retag(s, ['engineering'])
    }
    assert.equal((await read()).withheldCitations, 0)
  })

  it('when the newest answers are withheld, then older turns fill the model\'s history, and never more than its length', async () => {
    const p = principalOf('alice')
    const deps = { db: s.db, keyring: s.keyring }
    const { conversationId } = await startConversation(deps, p, 'Long one')
    const cite = (doc: keyof typeof DOCS) => [citation('snippet', { documentId: DOCS[doc].documentId, chunkId: DOCS[doc].chunkId })]
    for (let i = 1; i <= 6; i++) {
      await appendMessages(deps, p, conversationId, [
        { role: 'user', text: `q${i}`, classification: 'public' },
        { role: 'assistant', text: `a${i}`, classification: 'internal', citations: cite(i <= 2 ? 'expenses' : 'oncall') },
      ])
    }
    assert.equal(HISTORY_MESSAGES, 8)
    const texts = async () => (await priorTurns(deps, p, conversationId, 'restricted')).map((t) => t.text)
    assert.deepEqual(await texts(), ['q3', 'a3', 'q4', 'a4', 'q5', 'a5', 'q6', 'a6'])
    await retag(s, ['finance'])
    try {
      // a3..a6 cited the handbook alice can no longer see: they are left out, and q1..a2 come back in.
      assert.deepEqual(await texts(), ['q1', 'a1', 'q2', 'a2', 'q3', 'q4', 'q5', 'q6'])
    } finally {
      await retag(s, ['engineering'])
    }
    await assert.rejects(priorTurns(deps, principalOf('bob'), conversationId, 'restricted'), /no such conversation/)
  })
})
