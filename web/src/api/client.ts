import { ApiError, apiErrorFrom, isAuthLost } from './errors.ts'
import { ENDPOINTS } from './endpoints.ts'

export type Query = Record<string, string | number | undefined | readonly string[]>

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  query?: Query
  json?: unknown
  form?: FormData
  accept?: string
  signal?: AbortSignal
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

// The CSRF token comes from GET /api/me; the session cookie is HttpOnly and never visible to this code.
let csrfToken: string | undefined
const authLostListeners = new Set<(err: ApiError) => void>()

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token
}

/** Called when any request finds the session gone, so the app can offer sign-in wherever the user is. */
export function onAuthLost(listener: (err: ApiError) => void): () => void {
  authLostListeners.add(listener)
  return () => authLostListeners.delete(listener)
}

export function withQuery(path: string, query: Query | undefined): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue
    if (typeof value === 'string' || typeof value === 'number') params.append(key, String(value))
    else for (const v of value) params.append(key, v)
  }
  const qs = params.toString()
  return qs === '' ? path : `${path}?${qs}`
}

function send(path: string, opts: RequestOptions): Promise<Response> {
  const method = opts.method ?? 'GET'
  const headers: Record<string, string> = { accept: opts.accept ?? 'application/json' }
  if (STATE_CHANGING.has(method) && csrfToken !== undefined) headers['x-csrf-token'] = csrfToken
  let body: BodyInit | undefined
  if (opts.form) body = opts.form
  else if (opts.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(opts.json)
  }
  return fetch(withQuery(path, opts.query), {
    method, headers, body, credentials: 'same-origin', cache: 'no-store', redirect: 'error',
    ...(opts.signal ? { signal: opts.signal } : {}),
  })
}

async function errorOf(res: Response): Promise<ApiError> {
  const body: unknown = await res.json().catch(() => null)
  return apiErrorFrom(res.status, body, res.headers.get('retry-after'))
}

/** Fetches and refreshes the CSRF token; used at start-up and once after a csrf_token_invalid answer. */
export async function fetchMe<T>(): Promise<T> {
  const res = await send(ENDPOINTS.me, {})
  if (!res.ok) throw await errorOf(res)
  const me = (await res.json()) as T & { csrfToken?: string }
  setCsrfToken(me.csrfToken)
  return me
}

/** One API call; throws ApiError for any non-2xx answer. A stale CSRF token is refreshed and the call retried once. */
export async function request(path: string, opts: RequestOptions = {}): Promise<Response> {
  let res = await send(path, opts)
  if (res.ok) return res
  let err = await errorOf(res)
  if (err.code === 'csrf_token_invalid') {
    await fetchMe()
    res = await send(path, opts)
    if (res.ok) return res
    err = await errorOf(res)
  }
  if (isAuthLost(err)) for (const listener of authLostListeners) listener(err)
  throw err
}

export async function requestJson<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await request(path, opts)
  if (res.status === 204) return undefined as T
  return (await res.json()) as T
}
