import type { LocalSettings, Tx } from '../db/tx.ts'

const TODAY = `(now() AT TIME ZONE 'UTC')::date`

/**
 * Settings that let the admission transaction commit without waiting for its WAL flush (several milliseconds on ordinary disks,
 * the largest fixed cost of a chat request). Other sessions see the lease as soon as it commits, since visibility
 * does not wait for the flush, so every instance still enforces the same limits. A database crash can lose the
 * last fraction of a second of leases and empty usage rows; they belonged to requests the crash ended. Tokens
 * spent are recorded by endLease in a synchronous commit, together with the audit entries.
 */
export const NO_COMMIT_FLUSH: LocalSettings = { synchronous_commit: 'off' }

/**
 * Today's usage row for the user, created if absent and locked until the transaction ends: concurrent acquisitions
 * by the same user on any instance serialize here. Also returns the seconds until the UTC day (and budget) resets.
 */
export async function lockUsage(tx: Tx, tenantId: string, userId: string): Promise<{ tokens: number; resetSeconds: number }> {
  const { rows } = await tx.query<{ tokens: string; reset_seconds: number }>(
    `INSERT INTO chat_usage (tenant_id, user_id, day) VALUES ($1, $2, ${TODAY})
     ON CONFLICT (tenant_id, user_id, day) DO UPDATE SET tokens = chat_usage.tokens
     RETURNING tokens, extract(epoch FROM (${TODAY} + 1) - (now() AT TIME ZONE 'UTC'))::float8 AS reset_seconds`,
    [tenantId, userId],
  )
  return { tokens: Number(rows[0]?.tokens ?? 0), resetSeconds: rows[0]?.reset_seconds ?? 60 }
}

/**
 * Takes a lease unless the user already holds `max` live ones; expired leases are deleted on the way. One statement:
 * the count and the insert see the same snapshot, and lockUsage's row lock keeps two acquisitions from interleaving.
 * Returns false when the cap is reached.
 */
export async function takeLease(tx: Tx, tenantId: string, userId: string, lease: { id: string; ttlSeconds: number; max: number }): Promise<boolean> {
  const { rowCount } = await tx.query(
    `WITH expired AS (DELETE FROM chat_leases WHERE tenant_id = $1 AND user_id = $2 AND expires_at <= now()),
          live AS (SELECT count(*) AS n FROM chat_leases WHERE tenant_id = $1 AND user_id = $2 AND expires_at > now())
     INSERT INTO chat_leases (tenant_id, user_id, lease_id, expires_at)
     SELECT $1, $2, $3, now() + make_interval(secs => $4::int) FROM live WHERE live.n < $5::int`,
    [tenantId, userId, lease.id, lease.ttlSeconds, lease.max],
  )
  return rowCount === 1
}

/** Ends a lease and adds the tokens it spent to today's row (created if the day changed while the request ran). */
export async function endLease(tx: Tx, tenantId: string, userId: string, leaseId: string, tokens: number): Promise<void> {
  await tx.query(
    `WITH ended AS (DELETE FROM chat_leases WHERE tenant_id = $1 AND user_id = $2 AND lease_id = $3)
     INSERT INTO chat_usage (tenant_id, user_id, day, tokens, requests) VALUES ($1, $2, ${TODAY}, $4, 1)
     ON CONFLICT (tenant_id, user_id, day)
     DO UPDATE SET tokens = chat_usage.tokens + EXCLUDED.tokens, requests = chat_usage.requests + 1`,
    [tenantId, userId, leaseId, Math.max(0, Math.round(tokens))],
  )
}

/**
 * Data-subject erasure: every usage day and lease of the user. Counters are personal data (who asked how much, and
 * when), so they go with the rest of the user's data. Returns what was deleted, for the erasure's audit entry.
 */
export async function deleteUserCounters(tx: Tx, tenantId: string, userId: string): Promise<{ usageDays: number; leases: number }> {
  const { rows } = await tx.query<{ usage_days: number; leases: number }>(
    `WITH usage AS (DELETE FROM chat_usage WHERE tenant_id = $1 AND user_id = $2 RETURNING 1),
          leases AS (DELETE FROM chat_leases WHERE tenant_id = $1 AND user_id = $2 RETURNING 1)
     SELECT (SELECT count(*) FROM usage)::int AS usage_days, (SELECT count(*) FROM leases)::int AS leases`,
    [tenantId, userId],
  )
  return { usageDays: rows[0]?.usage_days ?? 0, leases: rows[0]?.leases ?? 0 }
}
