import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { extractText, getDocumentProxy } from 'unpdf'
import { DEFAULT_PARSE_LIMITS, parseDocument, type ParseLimits } from '../../ingest/parse/parse.ts'
import { makePdf } from '../helpers/make-pdf.ts'

const parse = (bytes: Buffer, fileName = 'doc.pdf', limits: ParseLimits = DEFAULT_PARSE_LIMITS) =>
  parseDocument(bytes, { fileName, limits })
const rejectsWith = (code: string) => ({ name: 'BadRequestError', code, status: 400 })
const encrypted = () => makePdf({
  pages: [['Quarterly numbers are confidential.']],
  encrypt: { userPassword: 'user-pass', ownerPassword: 'owner-pass' },
})

describe('parseDocument for PDF', () => {
  it('when a two-page PDF is parsed, then each page is a section with its page number', async () => {
    const doc = await parse(makePdf({
      title: 'Incident Report',
      pages: [['Summary of the incident.', 'Second line (with parens).'], ['Remediation steps follow.']],
    }))
    assert.equal(doc.format, 'pdf')
    assert.equal(doc.title, 'Incident Report')
    assert.deepEqual(doc.sections, [
      { text: 'Summary of the incident.\nSecond line (with parens).', headingPath: [], page: 1 },
      { text: 'Remediation steps follow.', headingPath: [], page: 2 },
    ])
  })

  it('when a page has no text, then it yields no section and later pages keep their numbers', async () => {
    const doc = await parse(makePdf({ pages: [['first'], [], ['third']] }), 'scan-report.pdf')
    assert.deepEqual(doc.sections.map((s) => [s.page, s.text]), [[1, 'first'], [3, 'third']])
    assert.equal(doc.title, 'scan report')
  })

  it('when a PDF is named .md, then it is still parsed as a PDF', async () => {
    const doc = await parse(makePdf({ pages: [['Real PDF body.']] }), 'notes.md')
    assert.equal(doc.format, 'pdf')
    assert.equal(doc.sections[0]!.text, 'Real PDF body.')
  })

  it('when the hand-built encrypted fixture is opened with its user password, then pdf.js decrypts it', async () => {
    // Proves the fixture is really encrypted (RC4 with a user password), not just carrying an /Encrypt entry.
    const bytes = encrypted()
    assert.doesNotMatch(bytes.toString('latin1'), /Quarterly/)
    const pdf = await getDocumentProxy(new Uint8Array(bytes), { password: 'user-pass', verbosity: 0 })
    assert.deepEqual((await extractText(pdf)).text, ['Quarterly numbers are confidential.'])
  })

  it('when a PDF needs a password, then it is rejected as encrypted_document', async () => {
    await assert.rejects(parse(encrypted()), rejectsWith('encrypted_document'))
  })

  it('when a PDF is encrypted with an empty user password, then pdf.js decrypts it and it is accepted', async () => {
    const doc = await parse(makePdf({ pages: [['Open to read.']], encrypt: { userPassword: '', ownerPassword: 'o' } }))
    assert.equal(doc.sections[0]!.text, 'Open to read.')
  })

  it('when a PDF is truncated or garbage after the header, then it is rejected as corrupt_document', async () => {
    const full = makePdf({ pages: [['Some text here.']] })
    await assert.rejects(parse(full.subarray(0, 200)), rejectsWith('corrupt_document'))
    await assert.rejects(parse(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(300, 0x41)])),
      rejectsWith('corrupt_document'))
  })

  it('when the PDF has more pages than allowed, then it is rejected as too_many_pages', async () => {
    const bytes = makePdf({ pages: [['1'], ['2'], ['3']] })
    await assert.rejects(parse(bytes, 'a.pdf', { ...DEFAULT_PARSE_LIMITS, maxPages: 2 }), rejectsWith('too_many_pages'))
    const doc = await parse(bytes, 'a.pdf', { ...DEFAULT_PARSE_LIMITS, maxPages: 3 })
    assert.equal(doc.sections.length, 3)
  })

  it('when the extracted text exceeds the character limit, then it is rejected as text_too_long', async () => {
    const bytes = makePdf({ pages: [['x'.repeat(40)], ['y'.repeat(40)]] })
    await assert.rejects(parse(bytes, 'a.pdf', { ...DEFAULT_PARSE_LIMITS, maxTextChars: 60 }), rejectsWith('text_too_long'))
  })

  it('when the caller passes a Buffer, then parsing leaves it intact', async () => {
    const bytes = makePdf({ pages: [['keep me']] })
    const copy = Buffer.from(bytes)
    await parse(bytes)
    assert.ok(bytes.equals(copy))
  })
})
