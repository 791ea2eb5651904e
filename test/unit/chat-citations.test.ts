import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { citedSources, SNIPPET_CHARS, snippetOf } from '../../server/chat/cited-sources.ts'
import { checkCitations } from '../../server/chat/guards/citations.ts'
import { guardOutput, type OutputGuardContext } from '../../server/chat/guards/output-guard.ts'
import { knownPii } from '../../server/chat/guards/sensitive.ts'
import { StreamGuard } from '../../server/chat/guards/stream-guard.ts'
import type { PromptPassage } from '../../server/chat/passages.ts'

const NONE = new Set<string>()

function ctx(passageCount: number): OutputGuardContext {
  return { leak: () => null, canary: 'sr-canary-unit', allowHosts: [], passageCount, permittedIds: NONE, known: knownPii([]) }
}

function passage(n: number, text = `Passage ${n} text.`): PromptPassage {
  return {
    number: n, chunkId: `chunk-${n}`, documentId: `doc-${n}`, title: `Document ${n}`, headingPath: [],
    classification: 'internal', page: null, text,
  }
}

/** The marker numbers of a text, in order of appearance. */
const markers = (text: string) => [...text.matchAll(/\[(\d+(?:, \d+)*)\]/g)].flatMap((m) => (m[1] as string).split(', ').map(Number))

describe('citation numbering', () => {
  it('when an answer cites passages out of order, then markers are renumbered in order of first use and cited lists the passages in that order', () => {
    const r = checkCitations('B [3]. A [1]. Both [3, 1]. Range [2-3]. Gone [7]. Again [3].', 3, NONE)
    assert.equal(r.text, 'B [1]. A [2]. Both [1, 2]. Range [3, 1]. Gone . Again [1].')
    assert.deepEqual(r.cited, [3, 1, 2])
    assert.equal(r.foreign, 1)
  })

  it('when a marker names no passage the model was given, then it is dropped and cites nothing', () => {
    const r = checkCitations('Only this [2]. Not these [0] [4] [9-30] [2-1].', 3, NONE)
    assert.equal(r.text, 'Only this [1]. Not these    .')
    assert.deepEqual(r.cited, [2])
    assert.equal(r.foreign, 4)
  })

  it('when any answer is guarded, then each marker k refers to cited[k - 1] and markers first appear as 1, 2, 3', async () => {
    const claim = fc.record({ word: fc.constantFrom('Alpha', 'Beta', 'Gamma'), refs: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }) })
    await fc.assert(fc.asyncProperty(fc.array(claim, { minLength: 1, maxLength: 8 }), async (claims) => {
      const raw = claims.map((c) => `${c.word} claim [${c.refs.join(', ')}].`).join(' ')
      const g = await guardOutput(raw, ctx(4))
      const intended = claims.flatMap((c) => c.refs.filter((n) => n <= 4))
      const shown = markers(g.text)
      // Every valid passage the model named is still named, through the renumbering, in the same order.
      assert.deepEqual([...new Set(shown.map((k) => g.cited[k - 1]))], [...new Set(intended)])
      let highest = 0
      for (const k of shown) {
        assert.ok(k <= highest + 1, `marker ${k} before ${highest + 1} in ${g.text}`)
        highest = Math.max(highest, k)
      }
      assert.equal(highest, g.cited.length)
    }), { numRuns: 100 })
  })

  it('when a renumbered answer streams in pieces, then the released text is a prefix of the final guarded text', async () => {
    const raw = 'Receipts are required [2]. Claims are paid on the 15th [1]. Both apply [2, 1].\nAsk the desk [3].'
    for (const size of [1, 3, 7]) {
      const g = new StreamGuard(ctx(3))
      let released = ''
      for (let i = 0; i < raw.length; i += size) released += await g.push(raw.slice(i, i + size))
      const final = await g.finish()
      assert.ok(final.text.startsWith(released), `${released} / ${final.text}`)
      assert.equal(final.text, 'Receipts are required [1]. Claims are paid on the 15th [2]. Both apply [1, 2].\nAsk the desk [3].')
      assert.deepEqual(final.cited, [2, 1, 3])
    }
  })
})

describe('cited sources', () => {
  it('when passages are cited, then the citations follow the cited order and carry each passage\'s snippet', () => {
    const { citations } = citedSources([3, 1], [passage(1), passage(2), passage(3)])
    assert.deepEqual(citations.map((c) => [c.chunkId, c.snippet]), [['chunk-3', 'Passage 3 text.'], ['chunk-1', 'Passage 1 text.']])
  })

  it('when a cited number is outside the passages, then it throws rather than shift later citations', () => {
    assert.throws(() => citedSources([1, 4], [passage(1), passage(2)]), RangeError)
  })

  it('when a passage is long, then its snippet is cut at a word and never inside a character', () => {
    const long = `${'word '.repeat(100)}\u{1F600}`
    const s = snippetOf(long)
    assert.ok(Array.from(s).length <= SNIPPET_CHARS + 2)
    assert.ok(s.endsWith('word …'))
    assert.equal(snippetOf(`${'é'.repeat(SNIPPET_CHARS - 1)}\u{1F600}`), `${'é'.repeat(SNIPPET_CHARS - 1)}\u{1F600}`)
    assert.equal(snippetOf('  Two\n lines  '), 'Two lines')
  })
})
