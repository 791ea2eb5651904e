import { z } from 'zod'
import { CLASSIFICATIONS } from '../policy/levels.ts'

// A repeatable multipart field arrives as one string or, when repeated, an array (multer/append-field).
const repeatable = (max: number) =>
  z.union([z.string().max(200), z.array(z.string().max(200)).max(max)]).optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))

/** Multipart text fields of POST /api/admin/documents; the file itself is the `file` part. */
export const uploadFieldsSchema = z.strictObject({
  classification: z.enum(CLASSIFICATIONS).optional(),
  department: repeatable(64),
  allow: repeatable(64),
  title: z.string().min(1).max(300).optional(),
  /** Stable identity within the tenant; re-uploading the same source replaces the document. Default: upload:<file name>. */
  source: z.string().min(1).max(1000).optional(),
})
export type UploadFields = z.infer<typeof uploadFieldsSchema>

const CURSOR = /^[A-Za-z0-9_-]{1,200}$/

/** Query of GET /api/admin/documents. */
export const listQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().regex(CURSOR, 'not a cursor from a previous page').optional(),
  classification: z.enum(CLASSIFICATIONS).optional(),
  status: z.enum(['active', 'quarantined']).optional(),
  department: z.string().min(1).max(64).optional(),
})
export type ListQuery = z.infer<typeof listQuerySchema>

export const documentParamsSchema = z.strictObject({
  id: z.uuid({ message: 'not a document id' }),
})
