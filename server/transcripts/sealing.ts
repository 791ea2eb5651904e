import { decrypt, encrypt, type EnvelopeContext, type ResolveKey } from '../crypto/envelope.ts'
import type { TenantKey } from '../crypto/tenant-key.ts'
import { AppError } from '../errors.ts'
import { isClassification } from '../policy/levels.ts'
import type { StoredCitation } from './transcript-types.ts'

/**
 * Encryption contexts of stored transcript values. Each ciphertext is bound to its tenant, conversation, message and
 * purpose, so a ciphertext copied to another row, conversation or tenant, or from a title into a message body, fails
 * to decrypt instead of showing someone else's text. A title belongs to no message: its message slot is TITLE_SLOT.
 */
const TITLE_SLOT = '-'

export function titleContext(tenantId: string, conversationId: string): EnvelopeContext {
  return { tenantId, conversationId, messageId: TITLE_SLOT, purpose: 'title' }
}

export function messageContext(
  tenantId: string,
  conversationId: string,
  messageId: string,
  purpose: 'message' | 'citation',
): EnvelopeContext {
  return { tenantId, conversationId, messageId, purpose }
}

export function sealText(key: TenantKey, context: EnvelopeContext, text: string): Promise<Buffer> {
  return encrypt(key, context, Buffer.from(text, 'utf8'))
}

/** Decrypts to a string, zeroing the plaintext buffer once copied. Wrong context or tampering: `decrypt_failed`. */
export async function openText(resolve: ResolveKey, context: EnvelopeContext, ciphertext: Buffer): Promise<string> {
  const plain = await decrypt(resolve, context, ciphertext)
  try {
    return plain.toString('utf8')
  } finally {
    plain.fill(0)
  }
}

export function sealCitations(key: TenantKey, context: EnvelopeContext, citations: StoredCitation[]): Promise<Buffer> {
  return sealText(key, context, JSON.stringify(citations))
}

/**
 * The plaintext is authenticated, so it is what this code wrote; the shape is still checked, because a bug that
 * stored something else should surface as an error rather than as odd fields in an API response.
 */
export async function openCitations(resolve: ResolveKey, context: EnvelopeContext, ciphertext: Buffer): Promise<StoredCitation[]> {
  const parsed: unknown = JSON.parse(await openText(resolve, context, ciphertext))
  if (!Array.isArray(parsed) || !parsed.every(isCitation)) {
    throw new AppError('citations_malformed', 'stored citations have an unexpected shape')
  }
  return parsed.map((c) => ({
    documentId: c.documentId, chunkId: c.chunkId, title: c.title, classification: c.classification,
    page: c.page, snippet: c.snippet,
  }))
}

export function isCitation(value: unknown): value is StoredCitation {
  if (typeof value !== 'object' || value === null) return false
  const c = value as Record<string, unknown>
  return (
    typeof c.documentId === 'string' && typeof c.chunkId === 'string' && typeof c.title === 'string' &&
    isClassification(c.classification) && (c.page === null || Number.isInteger(c.page)) && typeof c.snippet === 'string'
  )
}
