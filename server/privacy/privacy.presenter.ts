import type { DataExport, ErasureResult } from './privacy.service.ts'

/** The export document: a versioned format with every field chosen here, never a database row. */
export function presentExport(data: DataExport) {
  return {
    format: 'strongroom-export/1',
    exportedAt: data.exportedAt.toISOString(),
    subject: { tenantId: data.tenantId, userId: data.userId },
    conversations: data.conversations.map((c) => ({
      conversationId: c.conversationId,
      title: c.title,
      classification: c.classification,
      createdAt: c.createdAt.toISOString(),
      lastMessageAt: c.lastMessageAt.toISOString(),
      messages: c.messages.map((m) => ({
        messageId: m.messageId,
        role: m.role,
        text: m.text,
        classification: m.classification,
        createdAt: m.createdAt.toISOString(),
        provider: m.provider,
        model: m.model,
        promptVersion: m.promptVersion,
        citations: m.citations.map((s) => ({
          documentId: s.documentId, chunkId: s.chunkId, title: s.title, classification: s.classification,
          page: s.page, snippet: s.snippet,
        })),
      })),
    })),
  }
}

export function presentErasure(result: ErasureResult) {
  return { deleted: { conversations: result.deleted.conversations, sessions: result.deleted.sessions }, held: result.held }
}

/** Attachment name without user-controlled text: the user id may hold characters a header cannot carry. */
export function exportFileName(at: Date): string {
  return `strongroom-export-${at.toISOString().slice(0, 10)}.json`
}
