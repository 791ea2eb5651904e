import type { ClaimNames, Clearance, Role } from './principal.ts'

/**
 * Demo users of the embedded development IdP. DEVELOPMENT ONLY: the passwords and TOTP seeds below are public,
 * fixed values so that a developer can sign in (and tests can compute codes); production refuses the embedded IdP.
 *
 * | user    | password                 | TOTP seed (base32, SHA1, 6 digits, 30 s) |
 * |---------|--------------------------|------------------------------------------|
 * | alice   | alice-dev-password       | OQILHKDNRQPUJL6F4Q6RZMPPZV5RZ73V         |
 * | bob     | bob-dev-password         | KNJVP2W2BXCRXXCQZD4O5VX32RNRESY4         |
 * | carol   | carol-dev-password       | SJPYKWFXTZWDEIJIRVNS4DKWVC5X7A3H         |
 * | erin    | erin-dev-password        | DOYZE3WV2VKY6UZF6COKRR5SGGQWZUND         |
 * | mallory | mallory-dev-password     | T3YDICR5Y6ZS3SZH4QLRW4PW3LEAOYKK         |
 * | dave    | dave-dev-password        | KJBPGGVINYEYKOOFUQ2GT43TC5W36KOO         |
 *
 * Add a seed to an authenticator app with the URI from {@link demoUserOtpauthUri}.
 * The user id (`sub`) is the username.
 */
export interface DemoUser {
  username: string
  name: string
  password: string
  totpSeed: string
  tenant: string
  departments: string[]
  clearance: Clearance
  roles: Role[]
  groups: string[]
}

const USERS: DemoUser[] = [
  {
    username: 'alice', name: 'Alice Archer', password: 'alice-dev-password', totpSeed: 'OQILHKDNRQPUJL6F4Q6RZMPPZV5RZ73V',
    tenant: 'acme', departments: ['engineering'], clearance: 'confidential', roles: ['employee'], groups: ['eng-all'],
  },
  {
    username: 'bob', name: 'Bob Baker', password: 'bob-dev-password', totpSeed: 'KNJVP2W2BXCRXXCQZD4O5VX32RNRESY4',
    tenant: 'acme', departments: ['finance'], clearance: 'internal', roles: ['employee'], groups: ['finance-all'],
  },
  {
    username: 'carol', name: 'Carol Chen', password: 'carol-dev-password', totpSeed: 'SJPYKWFXTZWDEIJIRVNS4DKWVC5X7A3H',
    tenant: 'acme', departments: ['engineering', 'finance'], clearance: 'restricted', roles: ['employee', 'admin'],
    groups: ['eng-all', 'finance-all', 'acme-admins'],
  },
  {
    username: 'erin', name: 'Erin Evans', password: 'erin-dev-password', totpSeed: 'DOYZE3WV2VKY6UZF6COKRR5SGGQWZUND',
    tenant: 'acme', departments: [], clearance: 'internal', roles: ['auditor'], groups: [],
  },
  {
    username: 'mallory', name: 'Mallory Moss', password: 'mallory-dev-password', totpSeed: 'T3YDICR5Y6ZS3SZH4QLRW4PW3LEAOYKK',
    tenant: 'acme', departments: [], clearance: 'public', roles: ['employee'], groups: [],
  },
  {
    username: 'dave', name: 'Dave Diaz', password: 'dave-dev-password', totpSeed: 'KJBPGGVINYEYKOOFUQ2GT43TC5W36KOO',
    tenant: 'globex', departments: ['engineering'], clearance: 'confidential', roles: ['employee', 'admin'],
    groups: ['globex-eng'],
  },
]

export const DEMO_USERS: readonly Readonly<DemoUser>[] = Object.freeze(USERS.map((u) => Object.freeze(u)))

/** Claim names the dev IdP (and the dev token CLI) put the user attributes under; pass to principalFromClaims. */
export const DEV_IDP_CLAIM_NAMES: Readonly<ClaimNames> = Object.freeze({
  tenant: 'tenant',
  clearance: 'clearance',
  departments: 'departments',
  groups: 'groups',
  roles: 'roles',
})

export function findDemoUser(username: string): DemoUser | undefined {
  return DEMO_USERS.find((u) => u.username === username)
}

/** The attribute claims carried in ID tokens and access tokens for a demo user. */
export function demoUserClaims(user: DemoUser): Record<string, unknown> {
  return {
    tenant: user.tenant,
    clearance: user.clearance,
    departments: [...user.departments],
    groups: [...user.groups],
    roles: [...user.roles],
  }
}

/** otpauth:// URI for adding a demo user's seed to an authenticator app (dev only). */
export function demoUserOtpauthUri(user: DemoUser): string {
  const label = encodeURIComponent(`Strongroom dev:${user.username}`)
  return `otpauth://totp/${label}?secret=${user.totpSeed}&issuer=${encodeURIComponent('Strongroom dev')}&algorithm=SHA1&digits=6&period=30`
}
