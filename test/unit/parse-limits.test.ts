import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_PARSE_LIMITS, parseDocument } from '../../ingest/parse/parse.ts'
import { makeDocx } from '../helpers/make-docx.ts'
import { makePdf } from '../helpers/make-pdf.ts'

const rejectsWith = (code: string) => ({ name: 'BadRequestError', code, status: 400 })

describe('parseDocument limits', () => {
  it('when defaults are read, then they match the documented values', () => {
    assert.deepEqual({ ...DEFAULT_PARSE_LIMITS }, {
      maxBytes: 25 * 1024 * 1024, maxPages: 500, maxTextChars: 5_000_000, maxZipEntries: 1000,
      maxUncompressedBytes: 100 * 1024 * 1024,
    })
    assert.ok(Object.isFrozen(DEFAULT_PARSE_LIMITS))
  })

  it('when the file is larger than maxBytes, then every format is rejected as file_too_large before parsing', async () => {
    const limits = { ...DEFAULT_PARSE_LIMITS, maxBytes: 100 }
    const inputs = [Buffer.from('x'.repeat(101)), makePdf({ pages: [['x'.repeat(200)]] }), await makeDocx([{ text: 'x' }])]
    for (const bytes of inputs) {
      assert.ok(bytes.length > 100)
      await assert.rejects(parseDocument(bytes, { limits }), rejectsWith('file_too_large'))
    }
    const exact = await parseDocument(Buffer.from('y'.repeat(100)), { limits })
    assert.equal(exact.sections[0]!.text.length, 100)
  })

  it('when text exceeds maxTextChars in any format, then it is rejected as text_too_long', async () => {
    const limits = { ...DEFAULT_PARSE_LIMITS, maxTextChars: 50 }
    const inputs: Array<[string, Buffer]> = [
      ['text', Buffer.from('word '.repeat(20))],
      ['markdown', Buffer.from(`# A\n\n${'a'.repeat(30)}\n\n# B\n\n${'b'.repeat(30)}\n`)],
      ['html', Buffer.from(`<p>${'h'.repeat(60)}</p>`)],
      ['docx', await makeDocx([{ text: 'd'.repeat(60) }])],
    ]
    for (const [format, bytes] of inputs) {
      await assert.rejects(parseDocument(bytes, { limits }), rejectsWith('text_too_long'), format)
    }
    const under = await parseDocument(Buffer.from('word '.repeat(9)), { limits })
    assert.equal(under.sections[0]!.text.length, 44)
  })

  it('when a document has only hidden or empty content, then it is rejected as empty_document', async () => {
    const inputs = [
      Buffer.from('<html><body><div hidden>only hidden</div><script>x()</script></body></html>'),
      Buffer.from('# Title only\n'),
      await makeDocx([{ text: 'hidden', hidden: true }]),
      makePdf({ pages: [[], []] }),
    ]
    for (const bytes of inputs) {
      await assert.rejects(parseDocument(bytes, { limits: DEFAULT_PARSE_LIMITS }), rejectsWith('empty_document'))
    }
  })
})
