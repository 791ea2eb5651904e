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

export interface AdminDocument {
  documentId: string
  title: string
  source: string
  classification: Classification | number
  departments: string[]
  allowedPrincipals: string[]
  quarantined: boolean
  findings: Record<string, number>
  chunkCount: number
  createdAt: string
}

export interface AdminDocumentPage {
  documents: AdminDocument[]
  total: number
}

export interface AuditEvent {
  seq: number | string
  occurredAt: string
  type: string
  actor: string | null
  outcome: string
  data: unknown
}

export interface AuditPage {
  events: AuditEvent[]
  nextCursor: string | null
}
