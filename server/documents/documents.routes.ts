import { Router, type RequestHandler } from 'express'
import multer from 'multer'
import type { Principal } from '../auth/principal.ts'
import { AppError, BadRequestError, TooManyRequestsError } from '../errors.ts'
import { parseInput } from '../http/validate.ts'
import type { Logger } from '../logger.ts'
import { presentDocument, presentIngest } from './documents.presenter.ts'
import { documentParamsSchema, listQuerySchema, uploadFieldsSchema } from './documents.schema.ts'
import { listTenantDocuments, releaseDocument, removeDocument, uploadDocument } from './documents.service.ts'
import type { IngestDeps } from './ingest-adapter.ts'

export interface DocumentRoutesDeps extends IngestDeps {
  logger: Logger
  /** Uploads processed at once; more get 429 ingest_busy. Each holds its file in memory. Default 2. */
  maxConcurrentUploads?: number
}

/**
 * Admin document management under /api/admin/documents. The guard (server/auth/guard.ts, access-matrix.ts) has
 * already required the admin role and a fresh MFA login, and runs before the multipart body is read, so no
 * unauthenticated upload is ever buffered. Every operation is scoped to the admin's own tenant.
 */
export function documentRoutes(deps: DocumentRoutesDeps): Router {
  const router = Router()
  const upload = multer({
    storage: multer.memoryStorage(),
    defParamCharset: 'utf8',
    limits: { fileSize: deps.config.ingest.maxFileBytes, files: 1, fields: 140, fieldSize: 2000, parts: 141, fieldNameSize: 64 },
  }).single('file')
  const readUpload: RequestHandler = (req, res, next) => upload(req, res, (err: unknown) => next(err ? multipartError(err) : undefined))
  const maxUploads = deps.maxConcurrentUploads ?? 2
  let inFlight = 0

  router.post('/api/admin/documents', (_req, _res, next) => {
    if (inFlight >= maxUploads) throw new TooManyRequestsError('ingest_busy', 'other uploads are being processed; retry shortly', 5)
    inFlight++
    let released = false
    const release = () => {
      if (!released) inFlight--
      released = true
    }
    _res.once('close', release)
    next()
  }, readUpload, async (req, res) => {
    const fields = parseInput(uploadFieldsSchema, { ...req.body }, 'fields')
    if (!req.file) throw new BadRequestError('file_required', 'send the document as the multipart field "file"')
    const principal = req.principal as Principal
    const result = await uploadDocument(deps, principal, { bytes: req.file.buffer, originalName: req.file.originalname }, fields)
    deps.logger.info({ documentId: result.documentId, status: result.status, chunks: result.chunks }, 'document uploaded')
    res.status(result.status === 'unchanged' ? 200 : 201).json(presentIngest(result))
  })

  router.get('/api/admin/documents', async (req, res) => {
    const query = parseInput(listQuerySchema, req.query, 'query')
    const page = await listTenantDocuments(deps.db, req.principal as Principal, query)
    res.json({ items: page.items.map(presentDocument), nextCursor: page.nextCursor })
  })

  router.delete('/api/admin/documents/:id', async (req, res) => {
    const { id } = parseInput(documentParamsSchema, { ...req.params }, 'id')
    await removeDocument(deps.db, req.principal as Principal, id)
    res.status(204).end()
  })

  router.post('/api/admin/documents/:id/release', async (req, res) => {
    const { id } = parseInput(documentParamsSchema, { ...req.params }, 'id')
    const doc = await releaseDocument(deps.db, req.principal as Principal, id)
    res.json(presentDocument(doc))
  })
  return router
}

/** Multer's errors as API errors; its own messages name only limits and field names. */
function multipartError(err: unknown): AppError {
  const code = (err as { code?: unknown }).code
  if (code === 'LIMIT_FILE_SIZE') return new AppError('file_too_large', 'the file is larger than INGEST_MAX_FILE_BYTES', { status: 413 })
  if (code === 'LIMIT_UNEXPECTED_FILE' || code === 'LIMIT_FILE_COUNT') {
    return new BadRequestError('unexpected_file_field', 'send exactly one file, as the multipart field "file"')
  }
  if (typeof code === 'string') return new BadRequestError('invalid_multipart', `the multipart body was refused (${code.toLowerCase()})`)
  return new BadRequestError('invalid_multipart', 'the multipart body could not be read', err)
}
