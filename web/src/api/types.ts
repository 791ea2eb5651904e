/**
 * The HTTP API as the browser sees it. Mirrors the server's presenters by hand: web/ imports nothing from server/,
 * so a field the server stops sending shows up here as a type change, not as a silent runtime import.
 */

export const CLASSIFICATIONS = ['public', 'internal', 'confidential', 'restricted'] as const
export type Classification = (typeof CLASSIFICATIONS)[number]
export type Role = 'employee' | 'admin' | 'auditor'

export interface Me {
  userId: string
  tenantId: string
  clearance: Classification
  departments: string[]
  groups: string[]
  roles: Role[]
  authTime: number | null
  amr: string[]
  mfaFresh: boolean
  authMethod: 'session' | 'bearer'
  csrfToken?: string
}

export interface SearchResult {
  documentId: string
  chunkId: string
  title: string
  classification: Classification | number
  departments: string[]
  text: string
  score: number
  page: number | null
}

export interface Citation {
  documentId: string
  chunkId: string
  title: string
  classification: Classification | number
  page: number | null
  snippet?: string
}

export interface ChatResponse {
  conversationId: string
  messageId: string
  answer: string
  citations: Citation[]
  classification: Classification | number
  provider: string
  model: string
}

export interface ConversationSummary {
  conversationId: string
  title: string
  classification: Classification | number
  updatedAt: string
}

export interface ConversationMessage {
  messageId: string
  role: 'user' | 'assistant'
  text: string
  citations: Citation[]
  classification: Classification | number | null
  createdAt: string
  /** Which model answered (assistant messages); null for questions. */
  provider?: string | null
  model?: string | null
}

export interface Conversation {
  conversationId: string
  title: string
  messages: ConversationMessage[]
}

export interface DeleteMyDataResult {
  deleted: { conversations: number; sessions: number }
  held?: number
}

/** GET /api/admin/documents item (server/documents/documents.presenter.ts). */
export interface AdminDocument {
  id: string
  title: string
  source: string
  format: string
  byteSize: number
  classification: Classification | number
  departments: string[]
  allow: string[]
  status: 'active' | 'quarantined'
  findings: Record<string, number>
  chunkCount: number
  createdBy: string | null
  createdAt: string
  updatedAt: string
}

export interface AdminDocumentPage {
  items: AdminDocument[]
  nextCursor: string | null
}

/** GET/PUT /api/admin/retention (server/retention/retention.presenter.ts). */
export interface RetentionRule {
  classification: Classification
  retainDays: number
  source: 'tenant' | 'default'
}

export interface LegalHold {
  id: string
  scope: 'conversation' | 'user'
  targetId: string
  caseRef: string
  createdBy: string
  createdAt: string
  releasedBy: string | null
  releasedAt: string | null
  active: boolean
}

/** GET /api/admin/keys (server/keys/keys.presenter.ts): versions and counts, never key material. */
export interface KeyStatus {
  tenantId: string
  provider: { kind: string; keyId: string }
  versions: Array<{
    version: number
    state: 'active' | 'retired' | 'destroyed'
    rootKeyId: string
    createdAt: string
    retiredAt: string | null
    destroyedAt: string | null
    messages: number
    conversations: number
  }>
}

export interface RewrapResult {
  toVersion: number
  messages: number
  conversations: number
  batches: number
  complete: boolean
}

/** GET /api/admin/audit: metadata only; `fields` holds ids and counts, never content. */
export interface AuditEvent {
  seq: number | string
  time: string
  type: string
  actor: string | null
  outcome: string
  fields: Record<string, unknown> | null
}

export interface AuditPage {
  events: AuditEvent[]
  nextCursor: string | null
}

/** GET /api/admin/audit/verify. */
export interface AuditVerification {
  status: 'intact' | 'broken'
  entries: number
  lastCheckpoint: Record<string, unknown> | null
  problem?: Record<string, unknown>
}
