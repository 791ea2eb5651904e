-- Rate-limit counters shared by every server instance (server/http/rate-limit.ts, rate-limiter-flexible's
-- RateLimiterPostgres with tableCreated: true, because strongroom_app may not create tables).
-- The column names, types and ORDER are the library's: it inserts with `INSERT INTO rate_limits VALUES ($1, $2, $3)`.
--
-- No tenant_id and no row-level security, deliberately: limits are keyed before authentication by client IP (login,
-- callback, IdP interaction) and after it by user, so there is no trusted tenant for the first kind; and a row holds
-- only a counter and an expiry under a key that is a SHA-256 digest of "<limiter>:<ip or user>", never tenant data.
-- Any instance must be able to read and bump any counter, which is what RLS would prevent.
CREATE TABLE rate_limits (
  key    varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);
-- The library deletes rows that expired over an hour ago every five minutes.
CREATE INDEX rate_limits_expire_idx ON rate_limits (expire);

GRANT SELECT, INSERT, UPDATE, DELETE ON rate_limits TO strongroom_app;
