import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEV_IDP_CLAIM_NAMES } from '../../server/auth/demo-users.ts'
import { hasFreshMfa, principalFromClaims, type Principal } from '../../server/auth/principal.ts'
import { UnauthorizedError } from '../../server/errors.ts'

const base = {
  sub: 'alice', tenant: 'acme', clearance: 'confidential', departments: ['engineering'], groups: ['eng-all'],
  roles: ['employee'], amr: ['pwd', 'otp'], auth_time: 1_700_000_000,
}

function rejects(claims: Record<string, unknown>, names = DEV_IDP_CLAIM_NAMES) {
  assert.throws(() => principalFromClaims(claims, names), (err: unknown) => {
    assert.ok(err instanceof UnauthorizedError)
    assert.equal(err.code, 'token_claims_invalid')
    return true
  })
}

describe('principalFromClaims', () => {
  it('when the dev IdP claims are complete, then every attribute is mapped', () => {
    assert.deepEqual(principalFromClaims(base, DEV_IDP_CLAIM_NAMES), {
      userId: 'alice', tenantId: 'acme', clearance: 'confidential', departments: ['engineering'], groups: ['eng-all'],
      roles: ['employee'], authTime: 1_700_000_000, amr: ['pwd', 'otp'],
    })
  })

  it('when tenant is missing, empty or not a plain identifier, then token_claims_invalid', () => {
    rejects({ ...base, tenant: undefined })
    rejects({ ...base, tenant: '' })
    rejects({ ...base, tenant: "acme'; drop table" })
    rejects({ ...base, tenant: ['acme', 'globex'] })
  })

  it('when clearance is missing or not a known level, then token_claims_invalid rather than a default', () => {
    rejects({ ...base, clearance: undefined })
    rejects({ ...base, clearance: 'top-secret' })
    rejects({ ...base, clearance: 'Restricted' })
  })

  it('when sub is missing, then token_claims_invalid', () => {
    rejects({ ...base, sub: undefined })
  })

  it('when list claims are space- or comma-separated strings, then they are split and de-duplicated', () => {
    const p = principalFromClaims({ ...base, departments: 'engineering, finance', groups: 'a b  a', roles: 'employee,admin' }, DEV_IDP_CLAIM_NAMES)
    assert.deepEqual(p.departments, ['engineering', 'finance'])
    assert.deepEqual(p.groups, ['a', 'b'])
    assert.deepEqual(p.roles, ['employee', 'admin'])
  })

  it('when a list claim holds a non-string, then token_claims_invalid', () => {
    rejects({ ...base, departments: ['engineering', 42] })
    rejects({ ...base, groups: { admin: true } })
  })

  it('when roles include values the app does not model, then they are ignored', () => {
    const p = principalFromClaims({ ...base, roles: ['superuser', 'admin', 'offline_access'] }, DEV_IDP_CLAIM_NAMES)
    assert.deepEqual(p.roles, ['admin'])
  })

  it('when claim names are dotted paths (Keycloak) or namespaced URLs (Auth0), then nested and literal keys resolve', () => {
    const names = {
      tenant: 'https://strongroom.example/tenant', clearance: 'attributes.clearance', departments: 'attributes.departments',
      groups: 'groups', roles: 'realm_access.roles',
    }
    const p = principalFromClaims({
      sub: 'u-1', 'https://strongroom.example/tenant': 'acme',
      attributes: { clearance: ['restricted'], departments: ['finance'] },
      realm_access: { roles: ['admin', 'uma_authorization'] },
    }, names)
    assert.equal(p.tenantId, 'acme')
    assert.equal(p.clearance, 'restricted')
    assert.deepEqual(p.departments, ['finance'])
    assert.deepEqual(p.roles, ['admin'])
    assert.deepEqual(p.groups, [])
    assert.equal(p.authTime, null)
    assert.deepEqual(p.amr, [])
  })

  it('when a dotted path crosses a non-object or an inherited property, then it resolves to nothing', () => {
    rejects({ ...base, tenant: undefined, org: 'acme' }, { ...DEV_IDP_CLAIM_NAMES, tenant: 'org.name' })
    rejects({ ...base, tenant: undefined }, { ...DEV_IDP_CLAIM_NAMES, tenant: 'constructor.name' })
  })

  it('when auth_time is not a number, then token_claims_invalid', () => {
    rejects({ ...base, auth_time: '1700000000' })
  })
})

describe('hasFreshMfa', () => {
  const at = 1_700_000_000
  const principal = (amr: string[], authTime: number | null): Principal => ({
    userId: 'alice', tenantId: 'acme', clearance: 'internal', departments: [], groups: [], roles: ['employee'], amr, authTime,
  })

  it('when amr holds a second factor and auth_time is within the window, then true', () => {
    assert.equal(hasFreshMfa(principal(['pwd', 'otp'], at), 300, at + 299), true)
    assert.equal(hasFreshMfa(principal(['mfa'], at), 300, at + 10), true)
    assert.equal(hasFreshMfa(principal(['hwk'], at), 300, at), true)
  })

  it('when only a password was used, then false however recent', () => {
    assert.equal(hasFreshMfa(principal(['pwd'], at), 300, at), false)
    assert.equal(hasFreshMfa(principal(['pwd', 'kba', 'pin'], at), 300, at), false)
  })

  it('when the authentication is older than the window, in the future, or has no auth_time, then false', () => {
    assert.equal(hasFreshMfa(principal(['pwd', 'otp'], at), 300, at + 301), false)
    assert.equal(hasFreshMfa(principal(['pwd', 'otp'], at + 3600), 300, at), false)
    assert.equal(hasFreshMfa(principal(['pwd', 'otp'], null), 300, at), false)
  })
})
