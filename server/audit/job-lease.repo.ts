import type { Database } from '../db/pool.ts'
import { withTenant } from '../db/tx.ts'
import { SYSTEM_TENANT } from './event.ts'

export interface JobClaim {
  /** Job name, e.g. 'audit.checkpoint'. */
  job: string
  /** Random id of the claiming scheduler instance. */
  holder: string
  /** Seconds until the job is due again, counted from this claim. */
  intervalSeconds: number
  /** Seconds after which a lease whose holder never released it (a crash) stops excluding others. */
  leaseSeconds: number
}

/**
 * Claims the job's run for this interval (migrations/0010): true for exactly one caller per interval across all
 * instances, false while it is not yet due or another holder's lease is live. Times come from the database clock,
 * so instances with skewed clocks agree. Runs as the worker role; the job row belongs to no tenant.
 */
export async function claimJob(db: Database, c: JobClaim): Promise<boolean> {
  const { rows } = await withTenant(db, SYSTEM_TENANT, 'worker', (tx) =>
    tx.query(
      `INSERT INTO job_leases AS j (job, next_run_at, holder, lease_until)
       VALUES ($1, now() + make_interval(secs => $2::double precision), $3, now() + make_interval(secs => $4::double precision))
       ON CONFLICT (job) DO UPDATE
          SET next_run_at = EXCLUDED.next_run_at, holder = EXCLUDED.holder, lease_until = EXCLUDED.lease_until
        WHERE j.next_run_at <= now() AND (j.lease_until IS NULL OR j.lease_until <= now())
       RETURNING j.job`,
      [c.job, c.intervalSeconds, c.holder, c.leaseSeconds],
    ))
  return rows.length === 1
}

/** Ends this holder's lease early (the run finished); the job stays not due until its next_run_at. */
export async function releaseJob(db: Database, job: string, holder: string): Promise<void> {
  await withTenant(db, SYSTEM_TENANT, 'worker', (tx) =>
    tx.query('UPDATE job_leases SET lease_until = NULL WHERE job = $1 AND holder = $2', [job, holder]))
}
