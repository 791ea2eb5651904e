import { z } from 'zod'
import { CLASSIFICATIONS } from '../policy/levels.ts'

/** PUT /api/admin/retention: one to four rules, each classification at most once, 1..36500 days (as the table). */
export const putRetentionBody = z.strictObject({
  rules: z
    .array(z.strictObject({
      classification: z.enum(CLASSIFICATIONS),
      retainDays: z.number().int().min(1).max(36500),
    }))
    .min(1)
    .max(CLASSIFICATIONS.length)
    .refine((rules) => new Set(rules.map((r) => r.classification)).size === rules.length, 'each classification at most once'),
})

// Printable text only: the case reference is shown to administrators and must not carry control characters.
const caseRef = z.string().trim().min(1).max(120).regex(/^[^\p{Cc}\p{Cf}]+$/u, 'printable characters only')

/** POST /api/admin/legal-holds. A conversation hold names a conversation id; a user hold a user id of the tenant. */
export const placeHoldBody = z.discriminatedUnion('scope', [
  z.strictObject({ scope: z.literal('conversation'), targetId: z.uuid(), caseRef }),
  z.strictObject({
    scope: z.literal('user'),
    targetId: z.string().min(1).max(256).regex(/^[^\p{Cc}\p{Cf}]+$/u, 'printable characters only'),
    caseRef,
  }),
])

export const holdIdParams = z.strictObject({ id: z.uuid() })

export const listHoldsQuery = z.strictObject({ includeReleased: z.enum(['true', 'false']).optional() })
