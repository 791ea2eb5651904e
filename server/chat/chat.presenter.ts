import type { ConversationDetail, ConversationSummary, StoredCitation } from '../transcripts/index.ts'
import type { ChatAnswer } from './chat.service.ts'

/**
 * What a client sees of a citation: the source and the stored snippet, never the passage's neighbours, departments
 * or allow-lists. Only for the conversation's owner (their new answer, or their history after recheckMessages has
 * removed every citation they may no longer see, and its snippet with it): the snippet is document text.
 */
export function presentCitation(c: StoredCitation) {
  return {
    documentId: c.documentId, chunkId: c.chunkId, title: c.title, classification: c.classification, page: c.page,
    snippet: c.snippet,
  }
}

/** The chat response. The system prompt, its version and hash, and the canary are never part of it. */
export function presentAnswer(a: ChatAnswer) {
  return {
    conversationId: a.conversationId,
    messageId: a.messageId,
    answer: a.answer,
    citations: a.citations.map(presentCitation),
    classification: a.classification,
    provider: a.provider,
    model: a.model,
  }
}

export function presentSummary(s: ConversationSummary) {
  return {
    conversationId: s.conversationId, title: s.title, classification: s.classification,
    createdAt: s.createdAt.toISOString(), updatedAt: s.lastMessageAt.toISOString(), messageCount: s.messageCount,
  }
}

export function presentConversation(d: ConversationDetail, withheldCitations: number) {
  return {
    conversationId: d.conversationId,
    title: d.title,
    classification: d.classification,
    withheldCitations,
    messages: d.messages.map((m) => ({
      messageId: m.messageId, role: m.role, text: m.text, citations: m.citations.map(presentCitation),
      classification: m.classification, createdAt: m.createdAt.toISOString(), provider: m.provider, model: m.model,
    })),
  }
}
