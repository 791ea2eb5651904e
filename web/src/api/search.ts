import { requestJson } from './client.ts'
import { ENDPOINTS } from './endpoints.ts'
import type { SearchResult } from './types.ts'

export function search(q: string, k: number, signal?: AbortSignal): Promise<{ results: SearchResult[] }> {
  return requestJson(ENDPOINTS.search, { query: { q, k }, ...(signal ? { signal } : {}) })
}
