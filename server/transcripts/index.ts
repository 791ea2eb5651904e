/** The transcript store's public API, for the chat pipeline and data-subject requests. */
export {
  appendMessages, deleteConversation, getConversation, readRecentMessages, listConversations, startConversation,
  storeExchangeIn,
} from './transcripts.service.ts'
export { exportConversations } from './export.service.ts'
export type { RecentMessages } from './transcripts.service.ts'
export type {
  ConversationDetail, ConversationSummary, NewMessage, StoredCitation, StoredMessage, TranscriptDeps,
} from './transcript-types.ts'
