/**
 * One error base class with a stable snake_case `code` per failure. The code is part of the API: clients branch on
 * it. `expose` decides whether `message` may be shown to the caller; unexposed errors become `internal_error` and
 * their detail goes only to the log (see http/error-handler.ts).
 */
export class AppError extends Error {
  readonly code: string
  readonly status: number
  readonly expose: boolean
  /** Extra response headers, for example Retry-After on 429 or WWW-Authenticate on 401. */
  readonly headers: Record<string, string>

  constructor(
    code: string,
    message: string,
    opts: { status?: number; expose?: boolean; cause?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = new.target.name
    this.code = code
    this.status = opts.status ?? 500
    this.expose = opts.expose ?? this.status < 500
    this.headers = opts.headers ?? {}
  }
}

export class BadRequestError extends AppError {
  constructor(code: string, message: string, cause?: unknown) {
    super(code, message, { status: 400, cause })
  }
}

export class UnauthorizedError extends AppError {
  constructor(code: string, message: string) {
    super(code, message, { status: 401, headers: { 'WWW-Authenticate': `Bearer error="invalid_token"` } })
  }
}

export class ForbiddenError extends AppError {
  constructor(code: string, message: string) {
    super(code, message, { status: 403 })
  }
}

export class NotFoundError extends AppError {
  constructor(code: string, message: string) {
    super(code, message, { status: 404 })
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string) {
    super(code, message, { status: 409 })
  }
}

export class GoneError extends AppError {
  constructor(code: string, message: string) {
    super(code, message, { status: 410 })
  }
}

export class TooManyRequestsError extends AppError {
  constructor(code: string, message: string, retryAfterSeconds: number) {
    super(code, message, { status: 429, headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) } })
  }
}

/** Raised at startup for configuration the process cannot run with; main.ts prints it as one line and exits 1. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`)
    this.name = 'ConfigError'
  }
}
