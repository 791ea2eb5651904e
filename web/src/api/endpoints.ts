/**
 * Every server path the app calls, in one place. Routes marked "optional" may not exist on a given server; views
 * that use them hide themselves on a 404 from the router (see isRouteMissing).
 */
export const ENDPOINTS = {
  me: '/api/me',
  login: '/auth/login',
  logout: '/auth/logout',
  search: '/api/search',
  chat: '/api/chat',
  conversations: '/api/conversations',
  conversation: (id: string) => `/api/conversations/${encodeURIComponent(id)}`,
  myExport: '/api/me/export',
  myData: '/api/me/data',
  adminDocuments: '/api/admin/documents',
  adminDocument: (id: string) => `/api/admin/documents/${encodeURIComponent(id)}`,
  adminRelease: (id: string) => `/api/admin/documents/${encodeURIComponent(id)}/release`,
  /** Optional: retention settings (GET/PUT). */
  adminRetention: '/api/admin/retention',
  /** Optional: legal holds (read-only panel). */
  adminLegalHolds: '/api/admin/legal-holds',
  /** Optional: key provider status (read-only panel). */
  adminKeys: '/api/admin/keys',
  audit: '/api/admin/audit',
  /** Optional: audit hash-chain verification status. */
  auditChain: '/api/admin/audit/chain',
} as const

/** Login URL that returns to a same-origin path; the server re-checks returnTo (no open redirect). */
export function loginUrl(returnTo: string, stepUp = false): string {
  const params = new URLSearchParams({ returnTo: returnTo.startsWith('/') ? returnTo : '/' })
  if (stepUp) params.set('stepUp', '1')
  return `${ENDPOINTS.login}?${params.toString()}`
}
