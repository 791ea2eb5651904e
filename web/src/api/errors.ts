/** A failed API call as the server described it: `{ error: { code, message, requestId } }` plus Retry-After. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly requestId: string | undefined
  /** Seconds from the Retry-After header of a 429, when present. */
  readonly retryAfterSeconds: number | undefined

  constructor(status: number, code: string, message: string, opts: { requestId?: string; retryAfterSeconds?: number } = {}) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.requestId = opts.requestId
    this.retryAfterSeconds = opts.retryAfterSeconds
  }
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; requestId?: unknown }
}

/** Reads an error response; a body that is not our error shape still yields a usable ApiError. */
export function apiErrorFrom(status: number, body: unknown, retryAfterHeader: string | null): ApiError {
  const e = (body as ErrorBody | null)?.error
  const code = typeof e?.code === 'string' ? e.code : `http_${status}`
  const message = typeof e?.message === 'string' ? e.message : `the server answered ${status}`
  const requestId = typeof e?.requestId === 'string' ? e.requestId : undefined
  return new ApiError(status, code, message, {
    ...(requestId === undefined ? {} : { requestId }),
    ...retryAfter(retryAfterHeader),
  })
}

function retryAfter(header: string | null): { retryAfterSeconds?: number } {
  if (header === null) return {}
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) : Math.ceil((Date.parse(header) - Date.now()) / 1000)
  return Number.isFinite(seconds) && seconds >= 0 ? { retryAfterSeconds: Math.max(1, seconds) } : {}
}

/**
 * The route itself does not exist on this server (not "the thing you asked for is gone"). The server's router 404
 * (server/http/error-handler.ts notFound, and the guard for /api paths outside the access matrix) is exactly this
 * code and message; a capability's own 404s use their own codes.
 */
export function isRouteMissing(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404 && err.code === 'not_found' && err.message === 'no such route'
}

export function isAuthLost(err: unknown): boolean {
  return err instanceof ApiError && err.status === 401 && (err.code === 'authentication_required' || err.code === 'session_expired')
}

export type ErrorAction = 'sign-in' | 'step-up' | 'reload'

/** What the UI tells the user about a failure: a headline, the detail and the one thing they can do. */
export interface ErrorDescription {
  title: string
  detail: string
  action?: ErrorAction
  retryAfterSeconds?: number
  tone: 'warning' | 'danger' | 'info'
}

const GUARD_CODE = /(blocked|guard|injection|refus|policy|unsafe)/

/** Maps an error to words. Server messages are shown as text only; they never become markup. */
export function describeError(err: unknown): ErrorDescription {
  if (!(err instanceof ApiError)) {
    return { title: 'Something went wrong', detail: 'The server could not be reached. Check your connection and try again.', tone: 'danger' }
  }
  const { status, code, message } = err
  if (code === 'session_expired') {
    return { title: 'Your session has expired', detail: 'Sign in again to continue.', action: 'sign-in', tone: 'warning' }
  }
  if (code === 'authentication_required') {
    return { title: 'You are signed out', detail: 'Sign in to continue.', action: 'sign-in', tone: 'warning' }
  }
  if (code === 'step_up_required') {
    return {
      title: 'Confirm it is you',
      detail: 'This action needs a recent sign-in with your second factor.',
      action: 'step-up',
      tone: 'warning',
    }
  }
  if (status === 429) {
    const wait = err.retryAfterSeconds
    return {
      title: 'Too many requests',
      detail: wait === undefined ? 'Wait a moment before trying again.' : `Try again in ${wait} seconds.`,
      ...(wait === undefined ? {} : { retryAfterSeconds: wait }),
      tone: 'warning',
    }
  }
  if (code === 'csrf_token_invalid' || code === 'csrf_origin_invalid') {
    return { title: 'This page is out of date', detail: 'Reload the page and try again.', action: 'reload', tone: 'warning' }
  }
  if (code === 'forbidden_role') {
    return { title: 'Not allowed', detail: 'Your roles do not allow this action.', tone: 'danger' }
  }
  if (GUARD_CODE.test(code)) {
    return { title: 'Request refused', detail: message, tone: 'warning' }
  }
  if (isRouteMissing(err)) {
    return { title: 'Not available', detail: 'This feature is not available on this server.', tone: 'info' }
  }
  if (status >= 500) {
    return { title: 'Server error', detail: `The server could not complete the request${refSuffix(err)}.`, tone: 'danger' }
  }
  return { title: 'Request failed', detail: message, tone: 'danger' }
}

function refSuffix(err: ApiError): string {
  return err.requestId === undefined ? '' : ` (reference ${err.requestId})`
}
