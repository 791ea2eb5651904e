import { UnauthorizedError } from '../errors.ts'

export const CLEARANCES = ['public', 'internal', 'confidential', 'restricted'] as const
export type Clearance = (typeof CLEARANCES)[number]
export const ROLES = ['employee', 'admin', 'auditor'] as const
export type Role = (typeof ROLES)[number]

/** The authenticated user and the attributes every access decision is made from. Built only from a verified token. */
export type Principal = {
  userId: string
  tenantId: string
  clearance: Clearance
  departments: string[]
  groups: string[]
  roles: Role[]
  /** `auth_time` (epoch seconds) of the user's last interactive authentication, null when the IdP did not send it. */
  authTime: number | null
  /** RFC 8176 authentication method references, for example `['pwd', 'otp']`. */
  amr: string[]
}

/**
 * Where each attribute lives in the token. A name is looked up as a literal key first (so namespaced claims such
 * as `https://example.com/roles` work), then as a dotted path into nested objects (Keycloak's `realm_access.roles`).
 */
export interface ClaimNames {
  tenant: string
  clearance: string
  departments: string
  groups: string
  roles: string
}

// Bounds keep a hostile or misconfigured IdP from inflating every policy query.
const MAX_VALUES = 256
const MAX_VALUE_LENGTH = 256
// Tenant ids end up in RLS settings and audit records: keep them to a boring alphabet.
const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

function invalid(message: string): UnauthorizedError {
  return new UnauthorizedError('token_claims_invalid', message)
}

function claimAt(claims: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name]
  let node: unknown = claims
  for (const part of name.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, part)) return undefined
    node = (node as Record<string, unknown>)[part]
  }
  return node
}

/** Accepts a JSON array of strings or one string separated by spaces and/or commas; absent means empty. */
function stringList(value: unknown, label: string): string[] {
  if (value === undefined || value === null) return []
  const items = typeof value === 'string' ? value.split(/[\s,]+/) : value
  if (!Array.isArray(items)) throw invalid(`${label} claim must be an array or a string`)
  const out = new Set<string>()
  for (const item of items) {
    if (typeof item !== 'string' || item.length > MAX_VALUE_LENGTH) throw invalid(`${label} claim has an invalid value`)
    const trimmed = item.trim()
    if (trimmed !== '') out.add(trimmed)
  }
  if (out.size > MAX_VALUES) throw invalid(`${label} claim has too many values`)
  return [...out]
}

function singleString(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return value[0]
  return undefined
}

/**
 * Maps verified token claims to a Principal. Fails closed: a missing subject or tenant, or a clearance outside the
 * known levels, rejects the token (`token_claims_invalid`) rather than defaulting to a level. Unknown roles are
 * dropped, so an IdP role we do not model grants nothing.
 */
export function principalFromClaims(claims: Record<string, unknown>, claimNames: ClaimNames): Principal {
  const userId = claims.sub
  if (typeof userId !== 'string' || userId === '' || userId.length > MAX_VALUE_LENGTH) throw invalid('missing subject')
  const tenantId = singleString(claimAt(claims, claimNames.tenant))
  if (tenantId === undefined || !TENANT_PATTERN.test(tenantId)) throw invalid('missing or invalid tenant claim')
  const clearance = singleString(claimAt(claims, claimNames.clearance))
  if (!(CLEARANCES as readonly string[]).includes(clearance ?? '')) throw invalid('missing or invalid clearance claim')

  const roles = stringList(claimAt(claims, claimNames.roles), 'roles')
    .filter((r): r is Role => (ROLES as readonly string[]).includes(r))
  const authTime = claims.auth_time
  if (authTime !== undefined && (typeof authTime !== 'number' || !Number.isFinite(authTime))) {
    throw invalid('auth_time claim must be a number')
  }
  return {
    userId,
    tenantId,
    clearance: clearance as Clearance,
    departments: stringList(claimAt(claims, claimNames.departments), 'departments'),
    groups: stringList(claimAt(claims, claimNames.groups), 'groups'),
    roles,
    authTime: authTime === undefined ? null : authTime,
    amr: stringList(claims.amr, 'amr'),
  }
}

/**
 * RFC 8176 methods that prove a factor beyond a password (possession or inherence), plus `mfa` itself. `pwd`, `pin`,
 * `kba` and risk-based values do not count.
 */
const MFA_METHODS = new Set(['mfa', 'otp', 'hwk', 'swk', 'sms', 'tel', 'sc', 'fpt', 'face', 'iris', 'retina', 'vbm'])

/**
 * Step-up check: the user completed multi-factor authentication and did so within the last `windowSeconds`.
 * `now` is epoch seconds. An auth_time in the future (beyond 60 s of clock skew) is treated as not fresh.
 */
export function hasFreshMfa(principal: Principal, windowSeconds: number, now = Math.floor(Date.now() / 1000)): boolean {
  if (!principal.amr.some((m) => MFA_METHODS.has(m))) return false
  if (principal.authTime === null) return false
  const age = now - principal.authTime
  return age <= windowSeconds && age >= -60
}
