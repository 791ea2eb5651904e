import type { Subject } from '../../server/policy/rule.ts'

/**
 * The demo principals as the access rule sees them (same attributes as server/auth/demo-users.ts). Tests use
 * these directly so that a change to the demo IdP cannot silently weaken the isolation tests.
 */
export const PRINCIPALS = {
  alice: { userId: 'alice', tenantId: 'acme', clearance: 'confidential', departments: ['engineering'], groups: ['eng-all'] },
  bob: { userId: 'bob', tenantId: 'acme', clearance: 'internal', departments: ['finance'], groups: ['finance-all'] },
  carol: {
    userId: 'carol', tenantId: 'acme', clearance: 'restricted', departments: ['engineering', 'finance'],
    groups: ['eng-all', 'finance-all', 'acme-admins'],
  },
  erin: { userId: 'erin', tenantId: 'acme', clearance: 'internal', departments: [], groups: [] },
  mallory: { userId: 'mallory', tenantId: 'acme', clearance: 'public', departments: [], groups: [] },
  dave: { userId: 'dave', tenantId: 'globex', clearance: 'confidential', departments: ['engineering'], groups: ['globex-eng'] },
} as const satisfies Record<string, Subject>

export type PrincipalName = keyof typeof PRINCIPALS
export const PRINCIPAL_NAMES = Object.keys(PRINCIPALS) as PrincipalName[]
