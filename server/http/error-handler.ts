import type { NextFunction, Request, Response } from 'express'
import { AppError } from '../errors.ts'

/** Errors raised by body parsers and other middleware that carry an HTTP status and a type instead of our code. */
interface HttpishError {
  status?: number
  statusCode?: number
  type?: string
  expose?: boolean
}

const PARSER_CODES: Record<string, string> = {
  'entity.parse.failed': 'malformed_json',
  'entity.too.large': 'payload_too_large',
  'encoding.unsupported': 'unsupported_encoding',
  'charset.unsupported': 'unsupported_charset',
  'request.aborted': 'request_aborted',
  'request.size.invalid': 'request_size_invalid',
  'parameters.too.many': 'too_many_parameters',
}

/**
 * The one place errors become responses: `{ error: { code, message, requestId } }`. Only errors marked `expose`
 * show their message; everything else is `internal_error`, with its detail in the log alone.
 */
export function errorHandler() {
  return (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err)
    const requestId = req.id
    if (err instanceof AppError && err.expose) {
      res.set(err.headers)
      res.status(err.status).json({ error: { code: err.code, message: err.message, requestId } })
      return
    }
    const httpish = err as HttpishError
    const status = httpish?.status ?? httpish?.statusCode
    if (typeof status === 'number' && status >= 400 && status < 500 && httpish.type && PARSER_CODES[httpish.type]) {
      res.status(status).json({
        error: { code: PARSER_CODES[httpish.type], message: parserMessage(httpish.type), requestId },
      })
      return
    }
    // Other client errors raised by Express or its parsers (an undecodable parameter, say): their messages may quote
    // the request, so the client gets a fixed message and nothing is logged.
    if (typeof status === 'number' && status >= 400 && status < 500 && httpish.expose === true) {
      res.status(status).json({ error: { code: 'bad_request', message: 'the request could not be processed', requestId } })
      return
    }
    req.log.error({ err }, 'unhandled error')
    res.status(500).json({ error: { code: 'internal_error', message: 'internal error', requestId } })
  }
}

function parserMessage(type: string): string {
  switch (type) {
    case 'entity.parse.failed':
      return 'the request body is not valid JSON'
    case 'entity.too.large':
      return 'the request body is too large'
    default:
      return 'the request body could not be read'
  }
}

/** Uniform JSON 404 for every unmatched path and method. */
export function notFound() {
  return (req: Request, res: Response) => {
    res.status(404).json({ error: { code: 'not_found', message: 'no such route', requestId: req.id } })
  }
}
