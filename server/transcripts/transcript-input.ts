import { BadRequestError } from '../errors.ts'
import { isClassification, levelOf } from '../policy/levels.ts'
import { isCitation } from './sealing.ts'
import type { NewMessage } from './transcript-types.ts'

/** Bounds on what the chat pipeline may store; they keep one append to a size one transaction handles well. */
export const TRANSCRIPT_LIMITS = {
  titleChars: 1000,
  messagesPerAppend: 20,
  textChars: 200_000,
  citationsPerMessage: 100,
  snippetChars: 10_000,
  metadataChars: 200,
} as const

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Ids are uuids; anything else cannot name a conversation, and would otherwise reach SQL as an invalid cast. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value)
}

const invalid = (message: string) => new BadRequestError('invalid_transcript', message)

export function checkTitle(title: unknown): string {
  if (typeof title !== 'string' || title.length > TRANSCRIPT_LIMITS.titleChars) {
    throw invalid(`title must be a string of at most ${TRANSCRIPT_LIMITS.titleChars} characters`)
  }
  return title
}

function optionalText(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string' || value.length > TRANSCRIPT_LIMITS.metadataChars || /\p{Cc}/u.test(value)) {
    throw invalid(`${field} must be printable text of at most ${TRANSCRIPT_LIMITS.metadataChars} characters`)
  }
  return value
}

export interface CheckedMessage {
  role: 'user' | 'assistant'
  text: string
  citations: NewMessage['citations'] & object
  level: number
  promptVersion: string | null
  promptHash: string | null
  provider: string | null
  model: string | null
}

/** Validates one append: 1..20 messages of a known role and classification, bounded text and citations. */
export function checkMessages(messages: unknown): CheckedMessage[] {
  if (!Array.isArray(messages) || messages.length === 0 || messages.length > TRANSCRIPT_LIMITS.messagesPerAppend) {
    throw invalid(`an append holds 1 to ${TRANSCRIPT_LIMITS.messagesPerAppend} messages`)
  }
  return messages.map((m: NewMessage) => {
    if (m.role !== 'user' && m.role !== 'assistant') throw invalid('role must be user or assistant')
    if (typeof m.text !== 'string' || m.text.length > TRANSCRIPT_LIMITS.textChars) {
      throw invalid(`text must be a string of at most ${TRANSCRIPT_LIMITS.textChars} characters`)
    }
    if (!isClassification(m.classification)) throw invalid('classification must be a known level')
    const citations = m.citations ?? []
    if (!Array.isArray(citations) || citations.length > TRANSCRIPT_LIMITS.citationsPerMessage) {
      throw invalid(`at most ${TRANSCRIPT_LIMITS.citationsPerMessage} citations per message`)
    }
    for (const c of citations) {
      if (!isCitation(c) || c.snippet.length > TRANSCRIPT_LIMITS.snippetChars) throw invalid('invalid citation')
    }
    return {
      role: m.role,
      text: m.text,
      citations,
      level: levelOf(m.classification),
      promptVersion: optionalText(m.promptVersion, 'promptVersion'),
      promptHash: optionalText(m.promptHash, 'promptHash'),
      provider: optionalText(m.provider, 'provider'),
      model: optionalText(m.model, 'model'),
    }
  })
}
