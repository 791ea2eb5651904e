import { z } from 'zod'

const isoDateTime = z.iso.datetime({ offset: true })
const isoDate = z.iso.date()

/** An instant with its time zone (2025-01-31T09:00:00Z, ...+02:00) or a calendar date, meaning its midnight UTC. */
const instant = z
  .string()
  .max(64)
  .refine((v) => isoDateTime.safeParse(v).success || isoDate.safeParse(v).success, {
    message: 'must be an ISO 8601 date-time with a time zone (2025-01-31T09:00:00Z) or a date (2025-01-31)',
  })
  .transform((v) => new Date(v))

/** Same shape as event.ts's TYPE_RE: a type that cannot exist is refused rather than answered with nothing. */
const eventType = z
  .string()
  .max(64)
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'must be an event type such as auth.login')

const filter = {
  /** Inclusive. */
  from: instant.optional(),
  /** Exclusive. */
  to: instant.optional(),
  type: eventType.optional(),
}

/** Object refinements run even when a field failed (zod 4), so from/to may still be the raw strings here. */
function orderedRange(q: { from?: unknown; to?: unknown }, ctx: z.RefinementCtx): void {
  if (q.from instanceof Date && q.to instanceof Date && q.from.getTime() >= q.to.getTime()) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be later than from' })
  }
}

/** GET /api/admin/audit. Unknown parameters are refused (strict), so a misspelt filter cannot silently match all. */
export const listAuditQuery = z
  .strictObject({
    ...filter,
    cursor: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a cursor from a previous page').optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .superRefine(orderedRange)

/** GET /api/admin/audit/export. */
export const exportAuditQuery = z.strictObject(filter).superRefine(orderedRange)

/** GET /api/admin/audit/verify takes no parameters. */
export const verifyAuditQuery = z.strictObject({})

export type AuditFilter = z.infer<typeof exportAuditQuery>
