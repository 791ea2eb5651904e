import { z } from 'zod'

/**
 * POST /api/chat. Strict: unknown keys (a "system", "role" or "prompt" field) are refused, so no request field can
 * reach the system role. The character cap here only bounds parsing; the input guard applies CHAT_MAX_MESSAGE_CHARS.
 */
export const chatBodySchema = z.strictObject({
  message: z.string().max(16_000),
  conversationId: z.uuid().optional(),
})

export const conversationParamsSchema = z.strictObject({ id: z.uuid() })

export const conversationListSchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** ISO timestamp: conversations whose last message is older than this (the previous page's nextBefore). */
  before: z.iso.datetime({ offset: true }).optional(),
})
