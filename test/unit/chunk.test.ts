import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { chunkDocument, DEFAULT_CHUNK_OPTIONS } from '../../ingest/chunk/chunk.ts'
import { DEFAULT_PARSE_LIMITS, parseDocument, type ParsedDocument } from '../../ingest/parse/parse.ts'
import { makePdf } from '../helpers/make-pdf.ts'

const sentence = (i: number) => `Sentence number ${i} talks about access control.`
const paragraphs = (n: number, from = 0) =>
  Array.from({ length: n }, (_, p) => Array.from({ length: 4 }, (_, s) => sentence(from + p * 4 + s)).join(' '))

describe('chunkDocument', () => {
  it('when defaults are read, then they are 1000 characters with 150 overlap', () => {
    assert.deepEqual({ ...DEFAULT_CHUNK_OPTIONS }, { chunkSize: 1000, chunkOverlap: 150 })
  })

  it('when sections are long, then chunks respect the size, never cross sections and keep heading paths', async () => {
    const doc: ParsedDocument = {
      format: 'text',
      hiddenTextRemoved: 0,
      sections: [
        { text: paragraphs(6).join('\n\n'), headingPath: ['A'] },
        { text: paragraphs(6, 100).join('\n\n'), headingPath: ['A', 'B'] },
      ],
    }
    const chunks = await chunkDocument(doc, { chunkSize: 300, chunkOverlap: 60 })
    assert.ok(chunks.length > 4)
    assert.deepEqual(chunks.map((c) => c.ordinal), chunks.map((_, i) => i))
    for (const chunk of chunks) {
      assert.ok(chunk.text.length <= 300, `chunk of ${chunk.text.length} characters`)
      const numbers = [...chunk.text.matchAll(/Sentence number (\d+)/g)].map((m) => Number(m[1]))
      const inSecond = numbers.map((n) => n >= 100)
      assert.ok(inSecond.every((x) => x === inSecond[0]), 'a chunk mixes two sections')
      assert.deepEqual(chunk.headingPath, inSecond[0] ? ['A', 'B'] : ['A'])
    }
    for (let i = 0; i < 24; i++) assert.ok(chunks.some((c) => c.text.includes(sentence(i))), `sentence ${i} lost`)
  })

  it('when consecutive chunks come from one section, then they overlap', async () => {
    const text = Array.from({ length: 60 }, (_, i) => `w${i}`).join(' ')
    const chunks = await chunkDocument({ format: 'text', hiddenTextRemoved: 0, sections: [{ text, headingPath: [] }] },
      { chunkSize: 50, chunkOverlap: 20 })
    for (let i = 1; i < chunks.length; i++) {
      const previousWords = new Set(chunks[i - 1]!.text.split(' '))
      assert.ok(previousWords.has(chunks[i]!.text.split(' ')[0]!), `chunk ${i} does not overlap the one before`)
    }
  })

  it('when a PDF is chunked, then every chunk keeps its page', async () => {
    const lines = (p: number) => Array.from({ length: 30 }, (_, i) => `page ${p} line ${i} with some words`)
    const doc = await parseDocument(makePdf({ pages: [lines(1), lines(2)] }), { limits: DEFAULT_PARSE_LIMITS })
    const chunks = await chunkDocument(doc, { chunkSize: 200, chunkOverlap: 0 })
    assert.ok(chunks.length > 4)
    for (const chunk of chunks) {
      const pages = new Set([...chunk.text.matchAll(/page (\d)/g)].map((m) => Number(m[1])))
      assert.deepEqual([...pages], [chunk.page])
    }
  })

  it('when Markdown is chunked, then a thematic break is a split point that opens the next chunk', async () => {
    const part = (name: string) => `${name} ${'words '.repeat(12).trim()}`
    const doc = await parseDocument(Buffer.from(`# Guide\n\n${part('One')}\n\n---\n\n${part('Two')}\n`),
      { fileName: 'g.md', limits: DEFAULT_PARSE_LIMITS })
    const chunks = await chunkDocument(doc, { chunkSize: 100, chunkOverlap: 0 })
    // The plain recursive splitter would split at the blank lines and leave the rule trailing the first part.
    assert.deepEqual(chunks.map((c) => c.text), [part('One'), `---\n\n${part('Two')}`])
    assert.ok(chunks.every((c) => c.headingPath[0] === 'Guide'))
  })

  it('when pieces are only whitespace, then they are dropped and text is normalized', async () => {
    const chunks = await chunkDocument({
      format: 'text', hiddenTextRemoved: 0,
      sections: [{ text: '  \n\n \t ', headingPath: [] }, { text: 'a   b\t\tc\n\n\n\nd', headingPath: ['H'] }],
    }, DEFAULT_CHUNK_OPTIONS)
    assert.deepEqual(chunks, [{ ordinal: 0, text: 'a b c\n\nd', headingPath: ['H'] }])
  })

  it('when options are invalid, then chunking refuses to run', async () => {
    const doc: ParsedDocument = { format: 'text', hiddenTextRemoved: 0, sections: [{ text: 'x', headingPath: [] }] }
    await assert.rejects(chunkDocument(doc, { chunkSize: 100, chunkOverlap: 100 }), RangeError)
    await assert.rejects(chunkDocument(doc, { chunkSize: 0, chunkOverlap: 0 }), RangeError)
    await assert.rejects(chunkDocument(doc, { chunkSize: 10.5, chunkOverlap: 1 }), RangeError)
  })
})
