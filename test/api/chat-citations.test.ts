import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { WITHHELD_HISTORY } from '../../server/chat/history.ts'
import { DATAMARK } from '../../server/chat/passages.ts'
import { withOwner } from '../../server/db/tx.ts'
import { ask, DOCS, parseSse, startChatServer, type ChatTestServer } from '../helpers/chat-fixtures.ts'
import { startOpenAIStub, type StubRequest } from '../helpers/openai-stub.ts'

type Citation = { documentId: string; chunkId: string; title: string; classification: string; page: number | null; snippet: string }

/** Passage number of each title in the prompt the model was sent (`BEGIN <boundary> n` then `title:ˆ<title>`). */
function promptNumbers(req: StubRequest): Map<string, number> {
  const turn = req.body.messages.at(-1)?.content ?? ''
  const blocks = turn.matchAll(new RegExp(`^BEGIN SR[0-9A-F]{24} (\\d+)\\ntitle:${DATAMARK}(.*)$`, 'gm'))
  return new Map([...blocks].map((m) => [(m[2] as string).replaceAll(DATAMARK, ' '), Number(m[1])]))
}

/** Marker numbers of an answer, in order of appearance. */
const markers = (text: string) => [...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]))

/** Moves the on-call handbook out of engineering, so alice may no longer see it. */
async function retagOncall(s: ChatTestServer, departments: string[]) {
  await withOwner(s.db, async (tx) => {
    await tx.query(`UPDATE documents SET departments = $2 WHERE document_id = $1`, [DOCS.oncall.documentId, departments])
    await tx.query(`UPDATE chunks SET departments = $2 WHERE document_id = $1`, [DOCS.oncall.documentId, departments])
  })
}

const QUESTION = 'Must receipts be attached to expense claims, and how fast must on-call pager alerts be acknowledged?'

describe('citation numbers and snippets (OpenAI-compatible provider, local stub)', () => {
  let s: ChatTestServer
  let stub: Awaited<ReturnType<typeof startOpenAIStub>>
  let alice: string
  let sent: Map<string, number> = new Map()
  before(async () => {
    // The model cites the later passage first and one that does not exist, as models do.
    stub = await startOpenAIStub((r) => {
      sent = promptNumbers(r)
      const expenses = sent.get('Travel expense policy') ?? 0
      const oncall = sent.get('Engineering on-call handbook') ?? 0
      const [first, second] = expenses > oncall ? ['Receipts must be attached', 'Alerts are acknowledged within 15 minutes'] : ['Alerts are acknowledged within 15 minutes', 'Receipts must be attached']
      return { text: `${first} [${Math.max(expenses, oncall)}]. ${second} [${Math.min(expenses, oncall)}]. Salaries are in another document [9].`, chunkChars: 6 }
    })
    s = await startChatServer({ LLM_PROVIDER: 'openai', LLM_BASE_URL: stub.baseUrl, LLM_API_KEY: 'sk-stub', LLM_EGRESS_MAX_CLASSIFICATION: 'confidential' })
    alice = await s.token('alice')
  })
  after(async () => {
    await s.close()
    await stub.close()
  })

  /** Each marker [k] follows the claim taken from the passage that citations[k - 1] names. */
  function assertMarkersMatch(answer: string, citations: Citation[]) {
    assert.deepEqual(markers(answer), [1, 2], answer)
    assert.equal(citations.length, 2)
    assert.ok(!answer.includes('[9]') && !answer.includes('[3]'))
    for (const [k, c] of citations.entries()) {
      const claim = c.chunkId === DOCS.expenses.chunkId ? 'Receipts must be attached' : 'Alerts are acknowledged within 15 minutes'
      assert.ok(answer.includes(`${claim} [${k + 1}]`), `[${k + 1}] should follow "${claim}": ${answer}`)
    }
  }

  it('when the model cites passages out of order and a passage that does not exist, then markers are renumbered to the citations list and [9] cites nothing', async () => {
    const r = await ask(s.origin, alice, { message: QUESTION })
    assert.equal(r.status, 200, r.text)
    assert.equal(sent.size, 2, 'both documents reach the model')
    assertMarkersMatch(r.json.answer, r.json.citations)
    assert.deepEqual(r.json.citations.map((c: Citation) => c.chunkId).sort(), [DOCS.expenses.chunkId, DOCS.oncall.chunkId].sort())

    const conv = await (await fetch(`${s.origin}/api/conversations/${r.json.conversationId}`, { headers: { authorization: `Bearer ${alice}` } })).json()
    assert.equal(conv.messages[1].text, r.json.answer)
    assert.deepEqual(conv.messages[1].citations, r.json.citations)
  })

  it('when the answer streams, then the streamed text and the final event use the same numbering as the citations', async () => {
    const r = await ask(s.origin, alice, { message: QUESTION }, { stream: true })
    assert.equal(r.status, 200, r.text)
    const events = parseSse(r.text)
    const done = events.at(-1)
    assert.equal(done?.event, 'done')
    assert.ok(!events.some((e) => e.event === 'replace'))
    assert.equal(events.filter((e) => e.event === 'token').map((e) => e.data.text).join(''), done?.data.answer)
    assertMarkersMatch(done?.data.answer, done?.data.citations)
  })

  it('when the owner reads an answer or its history, then each citation carries its snippet; a citation withheld on re-check takes its snippet with it', async () => {
    const r = await ask(s.origin, alice, { message: QUESTION })
    const byChunk = new Map<string, Citation>(r.json.citations.map((c: Citation) => [c.chunkId, c]))
    assert.equal(byChunk.get(DOCS.expenses.chunkId)?.snippet,
      'Employees may claim travel expenses within 30 days of the trip. Receipts must be attached to every expense claim. The finance team reimburses approved expense claims on the 15th of each month.')
    assert.match(byChunk.get(DOCS.oncall.chunkId)?.snippet ?? '', /^The on-call engineer rotation changes every Monday/)
    const id = r.json.conversationId
    const follow = await ask(s.origin, alice, { message: 'When are approved expense claims reimbursed?', conversationId: id })
    assert.equal(follow.status, 200, follow.text)
    const read = async (token: string) => fetch(`${s.origin}/api/conversations/${id}`, { headers: { authorization: `Bearer ${token}` } })

    const history = await (await read(alice)).json()
    assert.deepEqual(history.messages[1].citations, r.json.citations)
    assert.ok(history.messages[3].citations.every((c: Citation) => typeof c.snippet === 'string' && c.snippet.length > 0))
    assert.equal((await read(await s.token('bob'))).status, 404)

    await retagOncall(s, ['finance'])
    try {
      const res = await read(alice)
      const body = await res.text()
      const revoked = JSON.parse(body)
      assert.equal(revoked.withheldCitations, 1)
      assert.equal(revoked.messages[1].text, WITHHELD_HISTORY)
      assert.deepEqual(revoked.messages[1].citations, [byChunk.get(DOCS.expenses.chunkId)])
      for (const leaked of ['rotation changes every Monday', 'Pager alerts', 'duty manager', DOCS.oncall.chunkId]) {
        assert.ok(!body.includes(leaked), `history still carries ${leaked}`)
      }
    } finally {
      await retagOncall(s, ['engineering'])
    }
  })
})
