import { request, requestJson, type Query } from './client.ts'
import { ENDPOINTS } from './endpoints.ts'
import type { AdminDocumentPage, AuditPage } from './types.ts'

export interface DocumentQuery {
  limit: number
  offset: number
  classification?: string
  status?: string
}

export function listDocuments(q: DocumentQuery): Promise<AdminDocumentPage> {
  return requestJson(ENDPOINTS.adminDocuments, { query: { ...q } })
}

/** Multipart upload: file, title, classification, department (repeated), allow (repeated). */
export function uploadDocument(form: FormData): Promise<unknown> {
  return requestJson(ENDPOINTS.adminDocuments, { method: 'POST', form })
}

export async function deleteDocument(id: string): Promise<void> {
  await request(ENDPOINTS.adminDocument(id), { method: 'DELETE' })
}

export async function releaseDocument(id: string): Promise<void> {
  await request(ENDPOINTS.adminRelease(id), { method: 'POST' })
}

/** Any read-only JSON route (optional panels). */
export function getJson(path: string): Promise<unknown> {
  return requestJson(path)
}

export function putJson(path: string, body: unknown): Promise<unknown> {
  return requestJson(path, { method: 'PUT', json: body })
}

export interface AuditQuery {
  from?: string
  to?: string
  type?: string
  limit: number
  cursor?: string
}

export function listAudit(q: AuditQuery): Promise<AuditPage> {
  const query: Query = { ...q }
  return requestJson(ENDPOINTS.audit, { query })
}
