import type { Role } from './principal.ts'

/** Who may call a route: anyone, any signed-in user, or users holding one of the roles. */
export type Access = 'public' | 'authenticated' | readonly Role[]

export interface RouteAccess {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Express-style path (`/api/admin/documents/:id`). */
  path: string
  access: Access
  /** Requires a multi-factor login no older than STEP_UP_MAX_AGE_SECONDS (admin routes). */
  stepUp?: boolean
}

const ADMIN = ['admin'] as const
const AUDITOR = ['auditor'] as const
const EMPLOYEE = ['employee'] as const

/**
 * Every API route and the roles it allows: the single source the guard (guard.ts) enforces, the README's
 * authorization table documents and test/api/access-matrix.test.ts turns into 401/403 checks. A route missing here
 * answers 404 under /api, so a new route cannot go live without an entry.
 */
export const ACCESS_MATRIX: readonly RouteAccess[] = [
  { method: 'GET', path: '/auth/login', access: 'public' },
  { method: 'GET', path: '/auth/callback', access: 'public' },
  { method: 'POST', path: '/auth/logout', access: 'authenticated' },
  { method: 'GET', path: '/api/me', access: 'authenticated' },
  { method: 'GET', path: '/api/me/export', access: 'authenticated' },
  { method: 'DELETE', path: '/api/me/data', access: 'authenticated' },
  { method: 'GET', path: '/api/search', access: EMPLOYEE },
  { method: 'POST', path: '/api/chat', access: EMPLOYEE },
  { method: 'GET', path: '/api/conversations', access: EMPLOYEE },
  { method: 'GET', path: '/api/conversations/:id', access: EMPLOYEE },
  { method: 'DELETE', path: '/api/conversations/:id', access: EMPLOYEE },
  { method: 'GET', path: '/api/admin/documents', access: ADMIN, stepUp: true },
  { method: 'POST', path: '/api/admin/documents', access: ADMIN, stepUp: true },
  { method: 'DELETE', path: '/api/admin/documents/:id', access: ADMIN, stepUp: true },
  { method: 'POST', path: '/api/admin/documents/:id/release', access: ADMIN, stepUp: true },
  { method: 'GET', path: '/api/admin/audit', access: AUDITOR },
  { method: 'GET', path: '/api/admin/audit/export', access: AUDITOR },
  { method: 'GET', path: '/api/admin/audit/verify', access: AUDITOR },
  { method: 'GET', path: '/api/admin/retention', access: ADMIN, stepUp: true },
  { method: 'PUT', path: '/api/admin/retention', access: ADMIN, stepUp: true },
  { method: 'GET', path: '/api/admin/legal-holds', access: ADMIN, stepUp: true },
  { method: 'POST', path: '/api/admin/legal-holds', access: ADMIN, stepUp: true },
  { method: 'POST', path: '/api/admin/legal-holds/:id/release', access: ADMIN, stepUp: true },
  { method: 'GET', path: '/api/admin/keys', access: ADMIN, stepUp: true },
  { method: 'POST', path: '/api/admin/keys/rotate', access: ADMIN, stepUp: true },
  { method: 'POST', path: '/api/admin/keys/rewrap', access: ADMIN, stepUp: true },
]
