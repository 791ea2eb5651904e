import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { normalizeText } from '../../ingest/parse/normalize.ts'
import { sniffDelimiter } from '../../ingest/parse/csv-sniff.ts'

/** The normalization as written before its fast path: every step, every time. */
function reference(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?|[\f\v\u2028\u2029\u0085]/g, '\n')
    // eslint-disable-next-line no-control-regex -- the reference matches control characters like the original
    .replace(/[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f]/g, '')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

// Characters each step of the normalization treats specially, plus letters and a decomposed accent (NFC).
const SPECIAL = ['a', 'b', ' ', ' ', '\n', '\n', '\r', '\t', '\f', '\v', '\u00a0', '\u2028', '\u0085', '\u0000', '\u001f',
  '\u007f', '\u009f', '\u200b', '\ufeff', '\u3000', 'e\u0301', 'é', ',', '"']
const text = fc.array(fc.constantFrom(...SPECIAL), { maxLength: 40 }).map((parts) => parts.join(''))
// Only spaces and newlines between letters: the runs the fast path must spot without any other character's help.
const spacing = fc.array(fc.constantFrom('a', 'b', ' ', '\n'), { maxLength: 20 }).map((parts) => parts.join(''))

describe('normalizeText', () => {
  it('when any text is normalized, then the result equals the full step-by-step normalization', () => {
    fc.assert(fc.property(fc.oneof(text, spacing, fc.string(), fc.string({ unit: 'binary' })), (s) => {
      assert.equal(normalizeText(s), reference(s))
    }), { numRuns: 5000 })
  })
})

describe('sniffDelimiter', () => {
  it('when prose or a ragged table is sniffed, then no delimiter is found; a consistent table gives its delimiter', () => {
    assert.equal(sniffDelimiter('Prose, with a comma.\nAnother line without one.\n'), undefined)
    assert.equal(sniffDelimiter('a,b,c\n1,2,3\n4,5\n'), undefined)
    assert.equal(sniffDelimiter('a;b\n1;2\n3;4\n'), ';')
    assert.equal(sniffDelimiter('a,b\n"x,y",2\n3,4'), ',')
    assert.equal(sniffDelimiter('a,"b\n1,2\n'), undefined)
  })
})
