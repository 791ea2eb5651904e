-- Periodic jobs that every server instance schedules but only one may run per interval (first user: the signed
-- audit checkpoints, server/audit/checkpoint-scheduler.ts). One row per job: when it is next due and which instance
-- holds it while it runs. A claim is one conditional upsert, so two instances polling at the same moment cannot both
-- win, and the row is ordinary data, so the rule holds on embedded PGlite too (advisory locks there are re-entrant
-- within its single session). A crashed holder's lease simply expires at lease_until.
--
-- No tenant_id and no row-level security, like rate_limits (0007): a job spans all tenants and a row holds a job
-- name, two times and a random instance id, never tenant data.
CREATE TABLE job_leases (
  job          text PRIMARY KEY CHECK (job ~ '^[a-z][a-z0-9_.]{0,63}$'),
  next_run_at  timestamptz NOT NULL,
  holder       text,
  lease_until  timestamptz
);

GRANT SELECT, INSERT, UPDATE ON job_leases TO strongroom_worker;
