/** The transcript store's public API, for the chat pipeline and data-subject requests. */
export {
  appendMessages, deleteConversation, getConversation, listConversations, startConversation,
} from './transcripts.service.ts'
export { exportConversations } from './export.service.ts'
export type {
  ConversationDetail, ConversationSummary, NewMessage, StoredCitation, StoredMessage, TranscriptDeps,
} from './transcript-types.ts'
