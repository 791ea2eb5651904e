import { z } from 'zod'

/** Signed checkpoints of the audit chains. */
export const auditEnv = {
  /**
   * Minutes between signed checkpoints of every audit chain (server/audit/checkpoint-scheduler.ts). Every instance
   * polls; a lease row in the database lets one of them sign per interval. Entries newer than the last checkpoint
   * can still be cut off undetected by the maintenance role, so this is the window truncation can hide in.
   */
  AUDIT_CHECKPOINT_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
}
