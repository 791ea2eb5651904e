import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { CLASSIFICATIONS, levelOf } from '../../server/policy/levels.ts'
import { canSee, principalsOf, scopeOf, type Resource, type Subject } from '../../server/policy/rule.ts'

const alice: Subject = { userId: 'alice', tenantId: 'acme', clearance: 'confidential', departments: ['engineering'], groups: ['eng-all'] }
const open: Resource = { tenantId: 'acme', classification: 'public', departments: [], allowedPrincipals: [], quarantined: false }

describe('canSee', () => {
  it('when everything matches but the tenant, then access is denied', () => {
    assert.equal(canSee(alice, open), true)
    assert.equal(canSee(alice, { ...open, tenantId: 'globex' }), false)
    assert.equal(canSee({ ...alice, clearance: 'restricted' }, { ...open, tenantId: 'ACME' }), false)
  })

  it('when the classification equals the clearance, then access is allowed; one level above, denied', () => {
    assert.equal(canSee(alice, { ...open, classification: 'confidential' }), true)
    assert.equal(canSee(alice, { ...open, classification: 'restricted' }), false)
    assert.equal(canSee({ ...alice, clearance: 'public' }, { ...open, classification: 'internal' }), false)
  })

  it('when the document lists departments, then one shared department is required, compared exactly', () => {
    assert.equal(canSee(alice, { ...open, departments: ['finance', 'engineering'] }), true)
    assert.equal(canSee(alice, { ...open, departments: ['finance'] }), false)
    assert.equal(canSee(alice, { ...open, departments: ['Engineering'] }), false)
    assert.equal(canSee({ ...alice, departments: [] }, { ...open, departments: ['engineering'] }), false)
  })

  it('when the document has an allow-list, then the user or one of the groups must be on it', () => {
    assert.equal(canSee(alice, { ...open, allowedPrincipals: ['user:alice'] }), true)
    assert.equal(canSee(alice, { ...open, allowedPrincipals: ['group:eng-all'] }), true)
    assert.equal(canSee(alice, { ...open, allowedPrincipals: ['user:bob', 'group:finance-all'] }), false)
  })

  it('when an allow-list entry only resembles the subject, then it does not match', () => {
    assert.equal(canSee(alice, { ...open, allowedPrincipals: ['alice'] }), false)
    assert.equal(canSee(alice, { ...open, allowedPrincipals: ['group:alice'] }), false)
    assert.equal(canSee(alice, { ...open, allowedPrincipals: ['user:eng-all'] }), false)
    assert.equal(canSee(alice, { ...open, allowedPrincipals: ['user:alic', 'user:alice '] }), false)
  })

  it('when the document is quarantined, then even a restricted member of every department is denied', () => {
    const carol: Subject = { ...alice, userId: 'carol', clearance: 'restricted', departments: ['engineering', 'finance'] }
    assert.equal(canSee(carol, { ...open, quarantined: true }), false)
    assert.equal(canSee(carol, { ...open, quarantined: true, allowedPrincipals: ['user:carol'] }), false)
  })

  it('when a subject is turned into RLS settings, then the clearance becomes its level and allow-list names are built', () => {
    assert.deepEqual(principalsOf(alice), ['user:alice', 'group:eng-all'])
    assert.deepEqual(scopeOf(alice), {
      tenantId: 'acme', userId: 'alice', clearance: 2, departments: ['engineering'], principals: ['user:alice', 'group:eng-all'],
    })
  })
})

const NAMES = ['a', 'b', 'c', 'd']
const subjectArb: fc.Arbitrary<Subject> = fc.record({
  userId: fc.constantFrom(...NAMES),
  tenantId: fc.constantFrom('t1', 't2'),
  clearance: fc.constantFrom(...CLASSIFICATIONS),
  departments: fc.subarray(NAMES),
  groups: fc.subarray(NAMES),
})
const resourceArb: fc.Arbitrary<Resource> = fc.record({
  tenantId: fc.constantFrom('t1', 't2'),
  classification: fc.constantFrom(...CLASSIFICATIONS),
  departments: fc.subarray(NAMES),
  allowedPrincipals: fc.subarray(NAMES.flatMap((n) => [`user:${n}`, `group:${n}`])),
  quarantined: fc.boolean(),
})

describe('canSee properties', () => {
  it('when a subject gains clearance, departments or groups, then nothing it could see becomes hidden', () => {
    fc.assert(
      fc.property(subjectArb, resourceArb, fc.constantFrom(...CLASSIFICATIONS), fc.subarray(NAMES), fc.subarray(NAMES), (s, r, c, d, g) => {
        const richer: Subject = {
          ...s,
          clearance: levelOf(c) > levelOf(s.clearance) ? c : s.clearance,
          departments: [...s.departments, ...d],
          groups: [...s.groups, ...g],
        }
        return !canSee(s, r) || canSee(richer, r)
      }),
    )
  })

  it('when a document is quarantined or in another tenant, then no subject can see it', () => {
    fc.assert(
      fc.property(subjectArb, resourceArb, (s, r) => {
        if (r.quarantined || r.tenantId !== s.tenantId) return canSee(s, r) === false
        return true
      }),
    )
  })

  it('when a document has no departments and no allow-list, then visibility depends on tenant and level only', () => {
    fc.assert(
      fc.property(subjectArb, resourceArb, (s, r) => {
        const bare = { ...r, departments: [], allowedPrincipals: [], quarantined: false }
        return canSee(s, bare) === (bare.tenantId === s.tenantId && levelOf(bare.classification) <= levelOf(s.clearance))
      }),
    )
  })
})
