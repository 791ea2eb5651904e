import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { chatRoutes } from '../../server/chat/chat.routes.ts'
import { NOT_FOUND } from '../../server/chat/chat.service.ts'
import { conversationRoutes } from '../../server/chat/conversations.routes.ts'
import { openLocalKms } from '../../server/crypto/kms-local.ts'
import { seedDemoCorpus } from '../../server/demo/seed.ts'
import { createKeyring, type Keyring } from '../../server/keys/keyring.ts'
import { EXTRACTIVE_NOTICE } from '../../server/llm/extractive-answerer.ts'
import { LocalHashEmbedder } from '../../server/llm/local-embedder.ts'
import { ask } from '../helpers/chat-fixtures.ts'
import { memoryLogger } from '../helpers/silent-logger.ts'
import { startTestServer, type TestServer } from '../helpers/test-server.ts'

type Citation = { title: string; snippet: string }

/**
 * Questions phrased as people ask them, each about one demo document its asker may read (server/demo/corpus.ts).
 * Before grounding and the extractive answerer read section headings, and stopped weighting a question word that
 * no sentence contains above every other, most of these were declined although the document plainly answers them.
 */
const ANSWERABLE: Array<[user: string, title: string, question: string]> = [
  ['carol', 'Office Visitors and Wi-Fi', 'What is the guest Wi-Fi network called?'],
  ['carol', 'Expense Policy', 'Can I fly business class?'],
  ['carol', 'Incident Postmortem: Billing Outage, March 2024', 'How many invoices were delayed by the outage?'],
  ['alice', 'Security Roadmap 2025', 'What are the security priorities for 2025?'],
  ['carol', 'Vendor Payment Runbook', 'What checks happen before a payment run?'],
  ['carol', 'Q3 Revenue Forecast', 'How much revenue is expected from Europe in Q3?'],
  ['carol', 'Project Falcon: Acquisition Memo', 'How much is Acme paying for the acquisition?'],
  ['carol', 'Board Meeting Minutes, Q4 2024', 'What did the board decide in Q4?'],
  ['dave', 'Globex Engineering Onboarding', 'What do new engineers do in their first week?'],
  ['dave', 'Engine Test Report: Hydra-3', 'What anomaly happened during the engine test?'],
  ['mallory', 'Customer Support FAQ', "What are customer support's hours?"],
  ['alice', 'On-call Handbook', "Who's paged if the primary doesn't acknowledge a page?"],
  ['bob', 'Annual Budget Process', "What's the timeline of the annual budget?"],
  ['mallory', 'Holiday Policy', 'How many days of holiday do Acme employees get?'],
  ['alice', 'On-call Handbook', 'Within how many minutes must a page be acknowledged?'],
]

/** Off-topic questions, and questions about documents the asker may not read. */
const DECLINED: Array<[user: string, question: string]> = [
  ['carol', 'What is the capital of Australia?'],
  ['carol', 'Who won the 2018 football World Cup?'],
  ['carol', 'How do I bake sourdough bread?'],
  ['alice', 'What is the boiling point of water at sea level?'],
  ['dave', 'How many players are on a rugby team?'],
  ['dave', 'What is the weather like on Mars?'],
  ['mallory', 'What is the Q3 revenue forecast?'],
  ['mallory', 'How much is Acme paying for the acquisition?'],
  ['bob', 'What are the security priorities for 2025?'],
]

describe('chat over the demo corpus (offline extractive provider)', () => {
  let s: TestServer
  let keyring: Keyring
  let closeKms: () => Promise<void>
  const tokens = new Map<string, string>()
  const tokenOf = async (user: string) => tokens.get(user) ?? tokens.set(user, await s.token(user)).get(user) as string

  before(async () => {
    const kms = await openLocalKms({ masterKey: randomBytes(32).toString('base64') })
    closeKms = () => kms.close()
    const embedder = new LocalHashEmbedder({ dimensions: 384 })
    const { logger } = memoryLogger('error')
    s = await startTestServer({ RATE_LIMIT_API_PER_MINUTE: '10000', RATE_LIMIT_CHAT_PER_MINUTE: '1000' }, (t) => {
      keyring = createKeyring({ db: t.db, provider: kms, cacheTtlMs: 60_000 })
      return { routers: [chatRoutes({ db: t.db, embedder, keyring, config: t.config, logger }), conversationRoutes({ db: t.db, keyring })] }
    })
    await seedDemoCorpus({ db: s.db, embedder, config: s.config })
  })
  after(async () => {
    keyring?.close()
    await s?.close()
    await closeKms?.()
  })

  it('when employees ask natural questions a demo document they may read answers, then each is answered from that document', async () => {
    const declined: string[] = []
    for (const [user, title, question] of ANSWERABLE) {
      const r = await ask(s.origin, await tokenOf(user), { message: question })
      assert.equal(r.status, 200, r.text)
      if (!r.json.answer.startsWith(EXTRACTIVE_NOTICE) || !r.json.citations.some((c: Citation) => c.title === title)) declined.push(`${user}: ${question}`)
    }
    assert.deepEqual(declined, [])
  })

  it('when a question is off-topic or about a document the asker may not read, then it is declined', async () => {
    const answered: string[] = []
    for (const [user, question] of DECLINED) {
      const r = await ask(s.origin, await tokenOf(user), { message: question })
      assert.equal(r.status, 200, r.text)
      if (r.json.answer !== NOT_FOUND || r.json.citations.length > 0) answered.push(`${user}: ${question}`)
    }
    assert.deepEqual(answered, [])
  })

  it('when an extractive answer quotes several passages, then each quote\'s marker [k] points at citations[k - 1], whose snippet holds the quote', async () => {
    for (const [user, , question] of ANSWERABLE) {
      const r = await ask(s.origin, await tokenOf(user), { message: question })
      const citations: Citation[] = r.json.citations
      const quotes = r.json.answer.split('\n').slice(2).map((line: string) => /^"(.+)" \[(\d+)\]$/.exec(line))
      let highest = 0
      for (const q of quotes) {
        assert.ok(q, r.json.answer)
        const k = Number(q[2])
        assert.ok(k <= highest + 1, `markers out of order in ${r.json.answer}`)
        highest = Math.max(highest, k)
        assert.ok(citations[k - 1]?.snippet.includes(q[1] as string), `[${k}] "${q[1]}" is not in ${JSON.stringify(citations[k - 1])}`)
      }
      assert.equal(highest, citations.length, `${question}: every citation is referenced`)
    }
  })
})
