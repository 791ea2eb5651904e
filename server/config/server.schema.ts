import { z } from 'zod'
import { bool, positiveInt } from './fields.ts'

/** Process, database, HTTP, rate-limit and metrics variables. */
export const serverEnv = {
  /** development | test | production. Production refuses the development conveniences (embedded IdP, local keys). */
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** TCP port of the HTTP server. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Interface to bind. Loopback by default so a development server is not exposed; containers set 0.0.0.0. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Public origin of the server as browsers see it (OIDC redirects, cookies). Default http://localhost:PORT. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Directory for the embedded database, generated keys and other local state. Created on first run. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** PostgreSQL server (with pgvector) for the application. Unset: embedded PGlite in DATA_DIR. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  /** Optional separate connection for migrations (the schema owner). Default: DATABASE_URL. */
  DATABASE_MIGRATION_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres://').optional(),
  /** Maximum connections in the application pool (PostgreSQL server only; PGlite serves one connection). */
  DATABASE_POOL_MAX: positiveInt(10),
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Express "trust proxy" setting: false, true, a hop count, or a comma-separated list of trusted proxy addresses. */
  TRUST_PROXY: z.string().default('false'),
  /** Largest JSON request body, in bytes. */
  HTTP_JSON_LIMIT_BYTES: positiveInt(64 * 1024),
  /** Milliseconds a client has to send a whole request, headers and body (Node requestTimeout). */
  HTTP_REQUEST_TIMEOUT_MS: positiveInt(30_000),
  /** Milliseconds a client has to send the request headers (Node headersTimeout); at most HTTP_REQUEST_TIMEOUT_MS. */
  HTTP_HEADERS_TIMEOUT_MS: positiveInt(15_000),
  /** Milliseconds an idle keep-alive connection stays open. Behind a load balancer, set it above the balancer's idle timeout. */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: positiveInt(5_000),
  /** Comma-separated origins (scheme://host[:port]) allowed to call the API from a browser, with credentials. Default: none (same-origin only). */
  CORS_ORIGINS: z.string().default(''),
  /** Login requests per client address per minute: /auth/login, /auth/callback and the IdP's credential posts (about 4 per sign-in). */
  RATE_LIMIT_LOGIN_PER_MINUTE: positiveInt(30),
  /** Authenticated API requests per user per minute, counted across all instances (shared in the database). */
  RATE_LIMIT_API_PER_MINUTE: positiveInt(300),
  /** Chat questions per user per minute, counted across all instances; each one costs a model call. */
  RATE_LIMIT_CHAT_PER_MINUTE: positiveInt(20),
  /** Port of a separate listener serving only GET /metrics (Prometheus), without authentication. Unset: no such listener. */
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Interface of the metrics listener. Loopback by default: bind it only where nothing but the scraper can reach it. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** Bearer token for GET /metrics on the main port (at least 32 characters). Unset: the main port has no /metrics. No default. */
  METRICS_TOKEN: z.string().min(32).optional(),
  /** Seed the synthetic demo corpus into an empty database at start (development only). */
  DEMO_SEED: bool.optional(),
}
