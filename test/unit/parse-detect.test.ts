import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { detectFormat } from '../../ingest/parse/detect.ts'
import { DEFAULT_PARSE_LIMITS, parseDocument } from '../../ingest/parse/parse.ts'
import { makeDocx } from '../helpers/make-docx.ts'
import { makePdf } from '../helpers/make-pdf.ts'

const detect = (text: string, fileName?: string) => detectFormat(Buffer.from(text), fileName)
const rejectsWith = (code: string) => ({ name: 'BadRequestError', code, status: 400 })

describe('detectFormat', () => {
  it('when given each supported format, then it names it from the content', async () => {
    assert.equal(await detectFormat(makePdf({ pages: [['x']] })), 'pdf')
    assert.equal(await detectFormat(await makeDocx([{ text: 'x' }])), 'docx')
    assert.equal(await detect('<!DOCTYPE html><html><body><p>x</p></body></html>'), 'html')
    assert.equal(await detect('<p>one</p><div>two</div>'), 'html')
    assert.equal(await detect('# Title\n\n- item\n- item\n'), 'markdown')
    assert.equal(await detect('name,age\nalice,30\nbob,25\n'), 'csv')
    assert.equal(await detect('a\tb\tc\n1\t2\t3\n'), 'csv')
    assert.equal(await detect('{"a": [1, 2]}'), 'json')
    assert.equal(await detect('Just a note.\nNothing more.\n'), 'text')
  })

  it('when the extension lies, then the content decides', async () => {
    assert.equal(await detectFormat(makePdf({ pages: [['x']] }), 'notes.md'), 'pdf')
    assert.equal(await detectFormat(await makeDocx([{ text: 'x' }]), 'data.csv'), 'docx')
    assert.equal(await detect('<html><body><p>hello</p></body></html>', 'readme.txt'), 'html')
    assert.equal(await detect('<!-- c --><!doctype html><p>x</p>', 'a.md'), 'html')
    assert.equal(await detect('{"a": 1}', 'a.txt'), 'json')
    assert.equal(await detect('not json at all', 'a.json'), 'text')
  })

  it('when text formats are ambiguous, then the extension breaks the tie', async () => {
    assert.equal(await detect('# Heading\n\nbody\n', 'notes.txt'), 'text')
    assert.equal(await detect('# Heading\n\nbody\n', 'notes.md'), 'markdown')
    assert.equal(await detect('plain words\n', 'notes.md'), 'markdown')
    assert.equal(await detect('Hello, world\nGoodbye, moon\n', 'letter.txt'), 'text')
    assert.equal(await detect('name\nalice\nbob\n', 'names.csv'), 'csv')
    assert.equal(await detect('<div align="center"><img src="logo.png"></div>\n\n# Project\n', 'README.md'), 'markdown')
  })

  it('when a Markdown table uses pipes, then it is Markdown rather than CSV', async () => {
    assert.equal(await detect('# Prices\n\n| a | b |\n|---|---|\n| 1 | 2 |\n'), 'markdown')
  })

  it('when the file is binary or not UTF-8, then it is rejected', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')
    await assert.rejects(detectFormat(png, 'image.txt'), rejectsWith('unsupported_format'))
    const blob = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256))
    await assert.rejects(detectFormat(blob, 'blob.txt'), rejectsWith('invalid_encoding'))
    await assert.rejects(detectFormat(Buffer.from([0x61, 0x00, 0x62, 0x00])), rejectsWith('unsupported_format'))
    await assert.rejects(detectFormat(Buffer.from('caf\xe9', 'latin1')), rejectsWith('invalid_encoding'))
    const zip = Buffer.from('504b0304', 'hex')
    await assert.rejects(detectFormat(Buffer.concat([zip, Buffer.alloc(100)]), 'a.docx'), { code: 'unsupported_format' })
  })

  it('when the content is only whitespace, then it is an empty document', async () => {
    await assert.rejects(detect(' \n\t\n'), rejectsWith('empty_document'))
    await assert.rejects(parseDocument(Buffer.alloc(0), { limits: DEFAULT_PARSE_LIMITS }), rejectsWith('empty_document'))
  })

  it('when the input is built to make regexes backtrack, then detection stays fast', async () => {
    const hostile = [
      '<!--'.repeat(200_000),
      `${'<!-- -->'.repeat(100_000)}no html here`,
      '['.repeat(2_000_000),
      `#${' '.repeat(2_000_000)}x`,
      `<p${' a'.repeat(1_000_000)}`,
    ]
    for (const text of hostile) {
      const started = performance.now()
      await detect(text).catch(() => undefined)
      assert.ok(performance.now() - started < 2000, `took ${Math.round(performance.now() - started)} ms`)
    }
  })
})
