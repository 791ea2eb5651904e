import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Finding } from '../../server/scan/finding.ts'
import { findPii } from '../../server/scan/pii.ts'
import { redact, redactWithMap } from '../../server/scan/redact.ts'

const at = (text: string, value: string, type: string, from = 0): Finding => {
  const start = text.indexOf(value, from)
  assert.ok(start >= 0, `${value} not in text`)
  return { type, start, end: start + value.length }
}

describe('redact', () => {
  it('when findings are redacted, then each becomes a typed placeholder numbered per type', () => {
    const text = 'Mail a@x.io or b@y.io, card 4111 1111 1111 1111.'
    assert.equal(redact(text, findPii(text)), 'Mail [EMAIL_1] or [EMAIL_2], card [CREDIT_CARD_1].')
  })

  it('when the same value occurs twice, then both occurrences get the same placeholder', () => {
    const text = 'From a@x.io to b@y.io, cc a@x.io'
    assert.equal(redact(text, findPii(text)), 'From [EMAIL_1] to [EMAIL_2], cc [EMAIL_1]')
  })

  it('when findings overlap or nest, then they merge into one placeholder of the longest type', () => {
    const text = 'key=ABCDEFGHIJKLMNOP rest'
    const findings = [at(text, 'ABCDEFGHIJ', 'AWS_SECRET_KEY'), at(text, 'EFGHIJKLMNOP', 'HIGH_ENTROPY'), at(text, 'GHI', 'OTHER')]
    assert.equal(redact(text, findings), 'key=[HIGH_ENTROPY_1] rest')
  })

  it('when findings are out of order or out of range, then output is still well formed', () => {
    const text = 'one two three'
    const findings = [{ type: 'B', start: 8, end: 99 }, { type: 'A', start: -5, end: 3 }, { type: 'Z', start: 5, end: 5 }]
    assert.equal(redact(text, findings), '[A_1] two [B_1]')
  })

  it('when there are no findings, then the text is unchanged', () => {
    assert.equal(redact('nothing here', []), 'nothing here')
  })
})

describe('redactWithMap', () => {
  it('when an answer mentions the placeholders, then restore puts the original values back', () => {
    const text = 'I am jane@corp.example, call +44 20 7946 0958'
    const r = redactWithMap(text, findPii(text))
    assert.equal(r.text, 'I am [EMAIL_1], call [PHONE_1]')
    assert.equal(r.restore('Sure [EMAIL_1], we will call [PHONE_1]; [EMAIL_9] is unknown.'), 'Sure jane@corp.example, we will call +44 20 7946 0958; [EMAIL_9] is unknown.')
  })

  it('when the input already contains a literal placeholder, then new numbers skip it and restore leaves it alone', () => {
    const text = 'Template says [EMAIL_1]; mine is me@corp.example'
    const r = redactWithMap(text, findPii(text))
    assert.equal(r.text, 'Template says [EMAIL_1]; mine is [EMAIL_2]')
    assert.equal(r.restore(r.text), 'Template says [EMAIL_1]; mine is me@corp.example')
  })

  it('when a value contains replacement patterns like $&, then restore inserts it literally', () => {
    const text = 'pw: a$&b$1c'
    const r = redactWithMap(text, [at(text, 'a$&b$1c', 'PASSWORD_ASSIGNMENT')])
    assert.equal(r.restore('it was [PASSWORD_ASSIGNMENT_1]'), 'it was a$&b$1c')
  })
})
