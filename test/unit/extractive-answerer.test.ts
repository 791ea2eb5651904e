import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { EXTRACTIVE_NOTICE, answerExtractively } from '../../server/llm/extractive-answerer.ts'
import { MAX_SENTENCE_CHARS, splitSentences } from '../../server/llm/sentences.ts'
import { contentTerms, lightStem } from '../../server/llm/text-terms.ts'

const PASSAGES = [
  {
    id: 'p-travel',
    title: 'Travel policy',
    text: 'Employees book travel through the approved agency. Economy class is required for flights under six hours. ' +
      'Receipts must be submitted within 30 days.',
  },
  {
    id: 'p-crypto',
    title: 'Key management standard',
    text: 'This standard applies to all production systems. Encryption keys are rotated every 90 days by the ' +
      'security team. Retired keys are destroyed after a 30-day grace period.\nKey custodians are named by the CISO.',
  },
  {
    id: 'p-lunch',
    title: 'Office notes',
    text: 'The cafeteria serves vegetarian lunch on Fridays. Parking permits are renewed each January.',
  },
]

describe('answerExtractively', () => {
  it('when a passage sentence answers the question, then it is quoted and cited with its passage index', () => {
    const result = answerExtractively('How often are encryption keys rotated?', PASSAGES)
    assert.ok(result.answer.startsWith(EXTRACTIVE_NOTICE))
    assert.match(result.answer, /"Encryption keys are rotated every 90 days by the security team\." \[2\]/)
    assert.deepEqual(result.citedIds, ['p-crypto'])
    assert.equal(result.sentences[0]?.passageId, 'p-crypto')
    assert.ok(result.sentences.every((s) => s.passageId === 'p-crypto'))
  })

  it('when the question is unrelated to every passage, then the answer is empty and nothing is cited', () => {
    const result = answerExtractively('What is the capital of France?', PASSAGES)
    assert.deepEqual(result, { answer: '', citedIds: [], sentences: [] })
  })

  it('when the question has only stopwords or there are no passages, then the answer is empty', () => {
    assert.equal(answerExtractively('What is it?', PASSAGES).answer, '')
    assert.equal(answerExtractively('How often are keys rotated?', []).answer, '')
  })

  it('when the best match is weak, then minScore decides whether to answer', () => {
    const question = 'Which lunch options and pizza toppings exist on Mondays?'
    assert.equal(answerExtractively(question, PASSAGES, { minScore: 0.9 }).answer, '')
    assert.deepEqual(answerExtractively(question, PASSAGES, { minScore: 0.05 }).citedIds, ['p-lunch'])
  })

  it('when sentences from several passages match, then they are ordered by passage rank then position', () => {
    const result = answerExtractively('When are keys destroyed and receipts submitted within 30 days?', PASSAGES)
    assert.deepEqual(result.citedIds, ['p-travel', 'p-crypto'])
    const lines = result.answer.split('\n').slice(2)
    assert.deepEqual(lines.map((l) => l.slice(-3)), ['[1]', '[2]'])
  })

  it('when answering, then every line after the notice is a verbatim passage sentence plus its marker', () => {
    const result = answerExtractively('What happens to keys: rotation, destruction, custodians?', PASSAGES)
    const lines = result.answer.split('\n')
    assert.equal(lines[0], EXTRACTIVE_NOTICE)
    assert.equal(lines[1], '')
    assert.ok(lines.length > 2)
    for (const line of lines.slice(2)) {
      const match = /^"(.+)" \[(\d+)\]$/.exec(line)
      assert.ok(match, line)
      const passage = PASSAGES[Number(match[2]) - 1]
      assert.ok(passage?.text.replace(/\s+/g, ' ').includes(match[1] as string), line)
    }
  })

  it('when maxSentences is set, then no more sentences are quoted', () => {
    const question = 'keys rotated destroyed custodians production systems'
    assert.equal(answerExtractively(question, PASSAGES, { maxSentences: 1 }).sentences.length, 1)
    assert.ok(answerExtractively(question, PASSAGES).sentences.length <= 4)
  })

  it('when the question\'s words are in the section heading, then the sentences under it answer', () => {
    const passages = [
      { id: 'p-run', title: 'Vendor Payment Runbook', text: 'Payments to vendors run twice a week, on Tuesday and Friday.' },
      {
        id: 'p-checks', title: 'Vendor Payment Runbook', headingPath: ['Vendor Payment Runbook', 'Checks before a payment run'],
        text: '1. Every invoice has a matching purchase order.\n2. Bank detail changes were confirmed by phone with the vendor.',
      },
    ]
    const result = answerExtractively('What checks happen before a payment run?', passages)
    assert.ok(result.citedIds.includes('p-checks'), result.answer)
    assert.match(result.answer, /"Every invoice has a matching purchase order\." \[2\]/)
  })

  it('when a question word occurs in no sentence, then the sentence covering the rest still answers', () => {
    const passages = [
      { id: 'p-outage', title: 'Incident Postmortem: Billing Outage', text: 'On 12 March the billing service stopped issuing invoices for 3 hours. About 1,900 invoices were delayed; none were lost.' },
      { id: 'p-supplier', title: 'Supplier Invoice Notes', text: 'Invoices from Northwind Logistics arrive monthly and are paid within 45 days.' },
    ]
    const result = answerExtractively('How many invoices were delayed by the outage?', passages)
    assert.match(result.answer, /"About 1,900 invoices were delayed; none were lost\." \[1\]/)
    assert.deepEqual(result.citedIds, ['p-outage'])
  })

  it('when two passages contain the same sentence, then it is quoted once', () => {
    const copy = { id: 'p-copy', title: 'Copy', text: PASSAGES[1]?.text as string }
    const passages = [PASSAGES[1], copy].flatMap((p) => p ?? [])
    const result = answerExtractively('How often are encryption keys rotated?', passages)
    const quoted = result.sentences.filter((s) => s.text.startsWith('Encryption keys are rotated'))
    assert.equal(quoted.length, 1)
    assert.deepEqual(result.citedIds, ['p-crypto'])
  })
})

describe('splitSentences', () => {
  it('when text has abbreviations, initials and decimals, then sentences are not broken inside them', () => {
    const text = 'Dr. Smith approved v2.5 on Jan. 5 at 3 p.m. today. J. Doe, e.g. the CISO, agreed. It is done.'
    assert.deepEqual(splitSentences(text), [
      'Dr. Smith approved v2.5 on Jan. 5 at 3 p.m. today.',
      'J. Doe, e.g. the CISO, agreed.',
      'It is done.',
    ])
  })

  it('when text has line breaks, then each line ends a sentence and whitespace is collapsed', () => {
    assert.deepEqual(splitSentences('Retention\n  Logs   are kept\tfor one year.\n\nEnd'), [
      'Retention',
      'Logs are kept for one year.',
      'End',
    ])
  })

  it('when a sentence is very long, then it is cut at a word boundary and marked', () => {
    const [sentence] = splitSentences('word '.repeat(200))
    assert.ok(sentence !== undefined && sentence.length <= MAX_SENTENCE_CHARS + 2)
    assert.ok(sentence.endsWith('word …'))
  })
})

describe('text terms', () => {
  it('when words are inflected, then the light stemmer folds them together', () => {
    assert.equal(lightStem('rotated'), lightStem('rotation'))
    assert.equal(lightStem('rotates'), lightStem('rotating'))
    assert.equal(lightStem('policies'), lightStem('policy'))
    assert.equal(lightStem('encrypted'), lightStem('encryption'))
    assert.equal(lightStem('access'), 'access')
    assert.equal(lightStem('status'), 'status')
  })

  it('when a question is tokenized, then stopwords are dropped and Unicode words kept', () => {
    assert.deepEqual(contentTerms('What is the ＭＦＡ policy for Zürich?'), ['mfa', 'policy', 'zürich'])
  })

  it('when a question uses contractions or possessives, then it has the terms of the same question spelt out', () => {
    assert.deepEqual(contentTerms("What's Acme's holiday allowance?"), contentTerms('What is Acme holiday allowance?'))
    assert.deepEqual(contentTerms('Who\u2019s paged if the primary doesn\'t acknowledge?'), contentTerms('Who is paged if the primary does not acknowledge?'))
    assert.deepEqual(contentTerms("I'm sure we can't and won't"), contentTerms('I am sure we can not and will not'))
    assert.deepEqual(contentTerms("O'Brien's rock'n'roll"), ['o', 'brien', 'rock', 'n', 'roll'])
  })
})
