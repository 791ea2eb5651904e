/** Every server path the app calls, in one place. */
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
  adminRetention: '/api/admin/retention',
  adminLegalHolds: '/api/admin/legal-holds',
  adminReleaseHold: (id: string) => `/api/admin/legal-holds/${encodeURIComponent(id)}/release`,
  adminKeys: '/api/admin/keys',
  adminKeysRotate: '/api/admin/keys/rotate',
  adminKeysRewrap: '/api/admin/keys/rewrap',
  audit: '/api/admin/audit',
  auditExport: '/api/admin/audit/export',
  auditVerify: '/api/admin/audit/verify',
} as const

/** Login URL that returns to a same-origin path; the server re-checks returnTo (no open redirect). */
export function loginUrl(returnTo: string, stepUp = false): string {
  const params = new URLSearchParams({ returnTo: returnTo.startsWith('/') ? returnTo : '/' })
  if (stepUp) params.set('stepUp', '1')
  return `${ENDPOINTS.login}?${params.toString()}`
}
