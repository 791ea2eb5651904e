import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { relevance, selectPassages } from '../../server/chat/grounding.ts'
import { contentTerms } from '../../server/llm/text-terms.ts'
import type { SearchHit } from '../../server/retrieval/search.service.ts'

function hit(chunk: string, title: string, headingPath: string[], text: string): SearchHit {
  return {
    documentId: `doc-${chunk}`, chunkId: `chunk-${chunk}`, title, classification: 'internal', departments: [], text,
    score: 0.5, page: null, headingPath, instructionFlagged: false,
  }
}

const CHECKS = hit('checks', 'Vendor Payment Runbook', ['Vendor Payment Runbook', 'Checks before a payment run'],
  '1. Every invoice has a matching purchase order.\n2. Payments above 50,000 EUR have two approvers.')
const WEEK = hit('week', 'Globex Engineering Onboarding', ['Globex Engineering Onboarding', 'First week'],
  '- Complete the test-stand safety course.\n- Pair with a senior engineer on one test campaign.')
const OTHER = hit('other', 'Office Visitors and Wi-Fi', ['Office Visitors and Wi-Fi', 'Parking'], 'Visitor parking is in bays 40 to 48.')

describe('grounding relevance', () => {
  it('when the question\'s words are in the section heading of a chunk, then they count towards its relevance', () => {
    const terms = (q: string) => new Set(contentTerms(q))
    assert.equal(relevance(terms('What checks happen before a payment run?'), CHECKS), 0.75)
    assert.equal(relevance(terms('What do new engineers do in their first week?'), WEEK), 0.75)
  })

  it('when a question is about a heading\'s section, then that chunk is sent and off-topic chunks are not', () => {
    const sel = selectPassages('What checks happen before a payment run?', [OTHER, CHECKS, WEEK], { threshold: 0.3, egressMax: 'restricted' })
    assert.deepEqual(sel.passages.map((p) => [p.number, p.chunkId, p.headingPath.at(-1)]), [[1, 'chunk-checks', 'Checks before a payment run']])
    const off = selectPassages('What is the capital of Australia?', [OTHER, CHECKS, WEEK], { threshold: 0.3, egressMax: 'restricted' })
    assert.deepEqual(off.passages, [])
  })
})
