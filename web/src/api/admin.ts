import { request, requestJson, withQuery, type Query } from './client.ts'
import { ENDPOINTS } from './endpoints.ts'
import type {
  AdminDocumentPage, AuditPage, AuditVerification, KeyStatus, LegalHold, RetentionRule, RewrapResult,
} from './types.ts'

export interface DocumentQuery {
  limit: number
  cursor?: string
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

export async function getRetention(): Promise<RetentionRule[]> {
  return (await requestJson<{ rules: RetentionRule[] }>(ENDPOINTS.adminRetention)).rules
}

export async function putRetention(rules: Array<Pick<RetentionRule, 'classification' | 'retainDays'>>): Promise<RetentionRule[]> {
  return (await requestJson<{ rules: RetentionRule[] }>(ENDPOINTS.adminRetention, { method: 'PUT', json: { rules } })).rules
}

export async function listLegalHolds(includeReleased: boolean): Promise<LegalHold[]> {
  const query: Query = includeReleased ? { includeReleased: 'true' } : {}
  return (await requestJson<{ holds: LegalHold[] }>(ENDPOINTS.adminLegalHolds, { query })).holds
}

export function placeLegalHold(hold: { scope: LegalHold['scope']; targetId: string; caseRef: string }): Promise<LegalHold> {
  return requestJson(ENDPOINTS.adminLegalHolds, { method: 'POST', json: hold })
}

export function releaseLegalHold(id: string): Promise<LegalHold> {
  return requestJson(ENDPOINTS.adminReleaseHold(id), { method: 'POST' })
}

export function getKeyStatus(): Promise<KeyStatus> {
  return requestJson(ENDPOINTS.adminKeys)
}

export function rotateKey(): Promise<{ fromVersion: number | null; toVersion: number }> {
  return requestJson(ENDPOINTS.adminKeysRotate, { method: 'POST' })
}

export function rewrapKeys(): Promise<RewrapResult> {
  return requestJson(ENDPOINTS.adminKeysRewrap, { method: 'POST' })
}

export interface AuditFilter {
  from?: string
  to?: string
  type?: string
}

export function listAudit(q: AuditFilter & { limit: number; cursor?: string }): Promise<AuditPage> {
  return requestJson(ENDPOINTS.audit, { query: { ...q } })
}

/** Same-origin link to the NDJSON export of the filtered log; the browser downloads it with the session cookie. */
export function auditExportUrl(q: AuditFilter): string {
  return withQuery(ENDPOINTS.auditExport, { ...q })
}

export function verifyAudit(): Promise<AuditVerification> {
  return requestJson(ENDPOINTS.auditVerify)
}
