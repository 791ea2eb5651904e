import { fetchMe, request, requestJson } from './client.ts'
import { ENDPOINTS } from './endpoints.ts'
import type { DeleteMyDataResult, Me } from './types.ts'

export function loadMe(): Promise<Me> {
  return fetchMe<Me>()
}

/** Ends the server session; the caller navigates to `logoutUrl` (IdP sign-out) when there is one. */
export function logout(): Promise<{ loggedOut: boolean; logoutUrl: string | null }> {
  return requestJson(ENDPOINTS.logout, { method: 'POST' })
}

/** The export as a Blob plus the file name the server suggested. */
export async function exportMyData(): Promise<{ blob: Blob; fileName: string }> {
  const res = await request(ENDPOINTS.myExport)
  const disposition = res.headers.get('content-disposition') ?? ''
  const named = /filename="?([A-Za-z0-9._-]{1,100})"?/.exec(disposition)?.[1]
  return { blob: await res.blob(), fileName: named ?? 'strongroom-export.json' }
}

export function deleteMyData(): Promise<DeleteMyDataResult> {
  return requestJson(ENDPOINTS.myData, { method: 'DELETE' })
}
