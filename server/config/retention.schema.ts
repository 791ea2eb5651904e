import { Cron } from 'croner'
import { z } from 'zod'

/** How long conversations are kept, and when and how the purge job deletes them. */
export const retentionEnv = {
  /** Days a conversation is kept after its last message, by its classification, unless a tenant rule says otherwise. */
  RETENTION_DEFAULT_DAYS_PUBLIC: z.coerce.number().int().min(1).max(36500).default(90),
  RETENTION_DEFAULT_DAYS_INTERNAL: z.coerce.number().int().min(1).max(36500).default(90),
  RETENTION_DEFAULT_DAYS_CONFIDENTIAL: z.coerce.number().int().min(1).max(36500).default(30),
  RETENTION_DEFAULT_DAYS_RESTRICTED: z.coerce.number().int().min(1).max(36500).default(7),
  /** Cron pattern (croner: 5 or 6 fields, server time zone) of the in-server purge run. Default: hourly. */
  PURGE_SCHEDULE: z.string().refine(isCronPattern, 'must be a cron pattern such as "0 * * * *"').default('0 * * * *'),
  /** Conversations deleted per purge transaction. */
  PURGE_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
}

function isCronPattern(pattern: string): boolean {
  try {
    new Cron(pattern, { paused: true }).stop()
    return true
  } catch {
    return false
  }
}
