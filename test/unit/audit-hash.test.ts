import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { validateAuditEvent, type AuditEvent } from '../../server/audit/event.ts'
import { canonicalJson, entryHash, GENESIS_HASH, hashMatches, type HashedEntry } from '../../server/audit/hash.ts'
import { checkpointMessage } from '../../server/audit/checkpoint.ts'

const entry: HashedEntry = {
  tenantId: 'acme', seq: 1, occurredAt: '2025-01-01T09:00:00.123Z', type: 'auth.login', actor: 'alice',
  outcome: 'success', data: { b: 1, a: ['x', 'y'] },
}

describe('canonical JSON', () => {
  it('when keys are in any order, then the text is sorted, without whitespace', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, 'é', null], c: true } }), '{"a":{"c":true,"d":[1,"é",null]},"b":1}')
    assert.equal(canonicalJson({ a: { c: true, d: [1, 'é', null] }, b: 1 }), canonicalJson({ b: 1, a: { d: [1, 'é', null], c: true } }))
  })

  it('when numbers and strings need a canonical form, then they get the ECMAScript one', () => {
    assert.equal(canonicalJson([-0, 1e21, 1e-7, 0.1, 100, 5e-324]), '[0,1e+21,1e-7,0.1,100,5e-324]')
    assert.equal(canonicalJson('"\\\n\u2028'), '"\\"\\\\\\n\u2028"')
  })

  it('when a value has no exact JSON form, then it throws', () => {
    for (const bad of [NaN, Infinity, undefined, 1n, () => 1, new Date(0), new Map(), { a: undefined }]) {
      assert.throws(() => canonicalJson(bad), TypeError)
    }
  })

  it('when a JSON value is re-read or its keys shuffled, then the canonical text is unchanged', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value)
        assert.equal(canonicalJson(JSON.parse(text)), text)
        assert.equal(canonicalJson(JSON.parse(JSON.stringify(value, (_k, v) => reverseKeys(v)))), text)
      }),
    )
  })
})

describe('entry hash', () => {
  it('when computed, then it is sha256 of the previous hash and the canonical entry', () => {
    const expected = createHash('sha256')
      .update(Buffer.alloc(32))
      .update('{"actor":"alice","data":{"a":["x","y"],"b":1},"occurredAt":"2025-01-01T09:00:00.123Z","outcome":"success","seq":1,"tenantId":"acme","type":"auth.login"}')
      .digest()
    assert.deepEqual(entryHash(GENESIS_HASH, entry), expected)
    assert.deepEqual(GENESIS_HASH, Buffer.alloc(32))
  })

  it('when any covered field or the previous hash changes, then the hash changes', () => {
    const base = entryHash(GENESIS_HASH, entry)
    const variants: HashedEntry[] = [
      { ...entry, tenantId: 'globex' }, { ...entry, seq: 2 }, { ...entry, occurredAt: '2025-01-01T09:00:00.124Z' },
      { ...entry, type: 'auth.logout' }, { ...entry, actor: 'bob' }, { ...entry, outcome: 'failure' }, { ...entry, data: { b: 2, a: ['x', 'y'] } },
    ]
    for (const v of variants) assert.notDeepEqual(entryHash(GENESIS_HASH, v), base)
    assert.notDeepEqual(entryHash(Buffer.alloc(32, 1), entry), base)
  })

  it('when stored data cannot be hashed (a number too large for a double), then it does not match instead of throwing', () => {
    assert.equal(hashMatches(GENESIS_HASH, { ...entry, data: { n: Infinity } }, entryHash(GENESIS_HASH, entry)), false)
  })

  it('when a checkpoint is signed, then the message binds tenant, seq and head hash', () => {
    assert.equal(checkpointMessage('acme', 42, Buffer.alloc(32, 0xab)).toString(), `strongroom-audit-checkpoint|acme|42|${'ab'.repeat(32)}`)
  })
})

describe('audit event validation', () => {
  const ok: AuditEvent = {
    type: 'retrieval.decision', actor: 'cli:purge', outcome: 'denied',
    data: { documentId: 'd-1', allowed: false, chunks: 3, ids: Array(200).fill('c'), scores: [0.5, 1], reason: null, s: 'x'.repeat(200) },
  }
  const code = (err: Error & { code?: string }) => err.code === 'audit_event_invalid'

  it('when the event holds identifiers, codes and counts within the limits, then it is accepted', () => {
    validateAuditEvent('acme', ok)
    validateAuditEvent('_system', { type: 'auth.token_rejected', actor: 'system', outcome: 'failure' })
  })

  it('when data carries free text over the limits or outside the shapes, then it is rejected', () => {
    const cases: Array<AuditEvent['data']> = [
      { prompt: 'x'.repeat(201) },
      { ids: Array(201).fill('c') },
      { note: 'first line\nsecond line' },
      { name: 'admin\u202Egnp.exe' },
      { half: '\uD800' },
      { nested: { title: 'Q3 plan' } as never },
      { mixed: ['a', 1] as never },
      { list: [['a']] as never },
      { n: NaN },
      { big: Infinity },
      { '1st': 1 },
      { 'with-dash': 1 },
      { [`k${'x'.repeat(41)}`]: 1 },
      Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 1])),
      Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, Array(200).fill('y'.repeat(20))])),
      new Map() as never,
      [] as never,
    ]
    for (const data of cases) assert.throws(() => validateAuditEvent('acme', { ...ok, data }), code, JSON.stringify(data)?.slice(0, 60))
  })

  it('when type, actor, outcome or tenant are malformed, then the event is rejected', () => {
    const cases: Array<[string, AuditEvent]> = [
      ['acme', { ...ok, type: 'login' }],
      ['acme', { ...ok, type: 'Auth.Login' }],
      ['acme', { ...ok, type: `a.${'b'.repeat(63)}` }],
      ['acme', { ...ok, actor: '' }],
      ['acme', { ...ok, actor: 'a'.repeat(256) }],
      ['acme', { ...ok, actor: 'alice\r\nforged line' }],
      ['acme', { ...ok, outcome: 'maybe' as never }],
      ['_other', ok],
      ['', ok],
    ]
    for (const [tenant, event] of cases) assert.throws(() => validateAuditEvent(tenant, event), code)
  })

  it('when an event is rejected, then the message names the field but never echoes the value', () => {
    const secret = 'patient John Doe, DOB 1970-01-01'
    assert.throws(() => validateAuditEvent('acme', { ...ok, data: { note: `${secret}\n` } }), (err: Error) => {
      assert.match(err.message, /data\.note/)
      assert.ok(!err.message.includes('John'))
      return true
    })
  })
})

function reverseKeys(v: unknown): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v
  return Object.fromEntries(Object.entries(v).reverse())
}
