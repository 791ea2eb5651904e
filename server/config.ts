import path from 'node:path'
import { Cron } from 'croner'
import { z } from 'zod'
import { ConfigError } from './errors.ts'
import { CLASSIFICATIONS, type Classification } from './policy/levels.ts'

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback)
const NAME_LIST = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}(,[A-Za-z0-9][A-Za-z0-9._-]{0,63})*$/

/** What ingestion does with a document in which the scanner found something (ingest/scan-policy.ts). */
export const SCAN_POLICIES = ['flag', 'redact', 'quarantine'] as const
export type ScanPolicy = (typeof SCAN_POLICIES)[number]

/**
 * The only reader of process.env. Every variable the server understands is declared here with its default and its
 * meaning; README.md's configuration table mirrors this schema. Secrets have no defaults.
 */
const schema = z.object({
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

  /** External OpenID Provider issuer URL. Unset: the embedded development IdP at PUBLIC_URL/oidc (refused in production). */
  OIDC_ISSUER: z.url().optional(),
  /** OAuth client id of the web login at the IdP. */
  OIDC_CLIENT_ID: z.string().min(1).default('strongroom-web'),
  /** OAuth client secret of the web login (confidential client). Required with OIDC_ISSUER; no default. */
  OIDC_CLIENT_SECRET: z.string().min(8).optional(),
  /** Audience (`aud`) required in API access tokens. */
  OIDC_AUDIENCE: z.string().min(1).default('strongroom-api'),
  /** JWKS URL for access-token signatures. Default: the issuer's `jwks_uri` from discovery. */
  OIDC_JWKS_URL: z.url().optional(),
  /** Comma-separated JWS algorithms accepted on access tokens (asymmetric only). */
  OIDC_ALGORITHMS: z.string().regex(/^((RS|PS|ES)(256|384|512)|EdDSA)(,((RS|PS|ES)(256|384|512)|EdDSA))*$/, 'asymmetric JWS algorithms only').default('RS256,PS256,ES256,EdDSA'),
  /** Required `typ` header of access tokens: at+jwt (RFC 9068) or JWT for IdPs that do not set it. */
  OIDC_TOKEN_TYPE: z.enum(['at+jwt', 'JWT']).default('at+jwt'),
  /** Scopes requested at login. */
  OIDC_SCOPES: z.string().default('openid profile'),
  /** Claim names (dotted paths allowed, e.g. realm_access.roles) mapped to the principal's attributes. */
  OIDC_CLAIM_TENANT: z.string().default('tenant'),
  OIDC_CLAIM_CLEARANCE: z.string().default('clearance'),
  OIDC_CLAIM_DEPARTMENTS: z.string().default('departments'),
  OIDC_CLAIM_GROUPS: z.string().default('groups'),
  OIDC_CLAIM_ROLES: z.string().default('roles'),
  /** Clock tolerance for exp/nbf/iat, in seconds. */
  OIDC_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /** Key for signing the short-lived login-state cookie. Required in production; development generates one in DATA_DIR. */
  SESSION_SECRET: z.string().min(32).optional(),
  /** A session ends after this many minutes without a request. */
  SESSION_IDLE_MINUTES: positiveInt(30),
  /** A session ends this many hours after login, whatever its activity. */
  SESSION_ABSOLUTE_HOURS: positiveInt(8),
  /** Admin routes need an MFA login (amr) no older than this many seconds; else 401 step_up_required. */
  STEP_UP_MAX_AGE_SECONDS: positiveInt(900),

  /** Maximum characters per chunk. */
  INGEST_CHUNK_SIZE: z.coerce.number().int().min(100).max(20_000).default(1000),
  /** Characters repeated between consecutive chunks of a section; must be smaller than INGEST_CHUNK_SIZE. */
  INGEST_CHUNK_OVERLAP: z.coerce.number().int().min(0).default(150),
  /** Largest document accepted by the CLI and the admin upload, in bytes (25 MiB). */
  INGEST_MAX_FILE_BYTES: positiveInt(25 * 1024 * 1024),
  /** Largest PDF accepted, in pages. */
  INGEST_MAX_PAGES: positiveInt(500),
  /** Comma-separated departments a document may be tagged with; anything else is refused at ingest. */
  INGEST_DEPARTMENTS: z.string().regex(NAME_LIST, 'comma-separated names').default('engineering,finance,hr,legal,sales,operations'),
  /**
   * Classification applied to documents ingested without one. Unset (the default): such documents are refused.
   * If set, the most restrictive level (restricted) is recommended, so a forgotten label hides rather than exposes.
   */
  INGEST_DEFAULT_CLASSIFICATION: z.enum(CLASSIFICATIONS).optional(),
  /**
   * Default scan policy (flag | redact | quarantine); a tenant overrides it with tenants.settings.scanPolicy.
   * flag stores text as found and records finding counts; redact replaces PII with typed placeholders; quarantine
   * holds any document with findings until an admin releases it. Secrets are redacted under every policy.
   */
  INGEST_SCAN_POLICY: z.enum(SCAN_POLICIES).default('flag'),

  /** local: the offline lexical embedder (no network); openai: any OpenAI-compatible /embeddings endpoint. */
  EMBEDDINGS_PROVIDER: z.enum(['local', 'openai']).default('local'),
  /** Vector length; must match the chunks.embedding column (change it with `npm run reembed`). HNSW allows <= 2000. */
  EMBEDDINGS_DIMENSIONS: z.coerce.number().int().min(2).max(2000).default(384),
  /** Base URL of the OpenAI-compatible API, including the version path (openai provider only). */
  EMBEDDINGS_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.openai.com/v1'),
  /** Embedding model name at that endpoint (openai provider only). */
  EMBEDDINGS_MODEL: z.string().min(1).max(200).default('text-embedding-3-small'),
  /** API key of the embedding endpoint, sent as a bearer token. Required with EMBEDDINGS_PROVIDER=openai; no default. */
  EMBEDDINGS_API_KEY: z.string().min(1).optional(),
  /** Texts per embedding request (and per ingest embedding batch). */
  EMBEDDINGS_BATCH_SIZE: z.coerce.number().int().min(1).max(2048).default(128),

  /** Root key provider for transcript keys: local (a master key, development) or pkcs11 (an HSM; production). */
  KMS_PROVIDER: z.enum(['local', 'pkcs11']).default('local'),
  /** Local provider: 32 random bytes in base64. Unset: DATA_DIR/master.key, generated on first run. Secret, no default. */
  STRONGROOM_MASTER_KEY: z.string().min(1).optional(),
  /** Lets production run the local key provider (single-node installations that accept a key on disk). */
  ALLOW_LOCAL_KMS_IN_PRODUCTION: bool.optional(),
  /** PKCS#11 module path, e.g. /usr/lib/softhsm/libsofthsm2.so. Required with KMS_PROVIDER=pkcs11. */
  PKCS11_LIBRARY: z.string().min(1).optional(),
  /** Label of the token holding the root key. Required with KMS_PROVIDER=pkcs11. */
  PKCS11_TOKEN_LABEL: z.string().min(1).max(32).optional(),
  /** User PIN of that token. Secret, no default; required with KMS_PROVIDER=pkcs11. */
  PKCS11_PIN: z.string().min(1).optional(),
  /** Label of the AES root key in the token (generated there, non-extractable, on first use). */
  PKCS11_KEY_LABEL: z.string().min(1).max(64).default('strongroom-root'),
  /** Seconds an unwrapped tenant key stays in memory; also how long another instance may still read after a shred. */
  KEY_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),

  /** Chat answers: extractive (offline, quotes permitted passages; no network) or openai (any OpenAI-compatible /chat/completions). */
  LLM_PROVIDER: z.enum(['extractive', 'openai']).default('extractive'),
  /** Base URL of the OpenAI-compatible chat API with its version path (OpenAI, Azure OpenAI v1, Ollama, vLLM, llama.cpp server). */
  LLM_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://api.openai.com/v1'),
  /** Chat model name at that endpoint (openai provider only). */
  LLM_MODEL: z.string().min(1).max(200).default('gpt-4o-mini'),
  /** API key of the chat endpoint, sent as a bearer token. Required with LLM_PROVIDER=openai; secret, no default. */
  LLM_API_KEY: z.string().min(1).optional(),
  /** Milliseconds a model call may take in all (streamed or not) before the request fails with 504; never retried. */
  LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** Largest answer requested from the model, in tokens. */
  LLM_MAX_OUTPUT_TOKENS: z.coerce.number().int().min(16).max(32_000).default(800),
  /**
   * Highest classification of passages that may be sent to the configured provider; a tenant overrides it with
   * tenants.settings.egress.<provider>. Default: restricted for extractive (nothing leaves the process), internal for openai.
   */
  LLM_EGRESS_MAX_CLASSIFICATION: z.enum(CLASSIFICATIONS).optional(),
  /** Longest chat message accepted, in characters (after Unicode normalization too). */
  CHAT_MAX_MESSAGE_CHARS: z.coerce.number().int().min(1).max(16_000).default(4000),
  /** Longest chat message accepted, in estimated tokens. */
  CHAT_MAX_TOKENS: z.coerce.number().int().min(1).max(16_000).default(1000),
  /** Injection score (0..1, server/scan/injection.ts) at or above which a chat message is refused. */
  CHAT_INJECTION_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
  /** Share of the question's content terms (0..1) a passage must contain to count as relevant (grounding). */
  CHAT_RELEVANCE_THRESHOLD: z.coerce.number().min(0).max(1).default(0.3),
  /** With no relevant permitted passage, answer "not found in documents you can access" (true) or let the model answer (false). */
  CHAT_DECLINE_WHEN_UNGROUNDED: bool.default(true),
  /** Chat requests one user may have in flight at once, across all instances. */
  CHAT_MAX_CONCURRENT: positiveInt(2),
  /** Model tokens (question, passages and answer) one user may spend per UTC day, across all instances. */
  CHAT_DAILY_TOKEN_BUDGET: positiveInt(200_000),
  /** Comma-separated hosts (exact, or *.example.com for subdomains) that answers may link to or embed images from. */
  CHAT_LINK_ALLOWLIST: z.string().regex(/^(?:(?:\*\.)?[A-Za-z0-9.-]+(?:,(?:\*\.)?[A-Za-z0-9.-]+)*)?$/, 'comma-separated host names').default(''),
  /** Secret planted in the system prompt to detect its leakage (at least 16 characters). Required in production; development generates one in DATA_DIR. */
  PROMPT_CANARY: z.string().min(16).optional(),

  /** Days a conversation is kept after its last message, by its classification, unless a tenant rule says otherwise. */
  RETENTION_DEFAULT_DAYS_PUBLIC: z.coerce.number().int().min(1).max(36500).default(90),
  RETENTION_DEFAULT_DAYS_INTERNAL: z.coerce.number().int().min(1).max(36500).default(90),
  RETENTION_DEFAULT_DAYS_CONFIDENTIAL: z.coerce.number().int().min(1).max(36500).default(30),
  RETENTION_DEFAULT_DAYS_RESTRICTED: z.coerce.number().int().min(1).max(36500).default(7),
  /** Cron pattern (croner: 5 or 6 fields, server time zone) of the in-server purge run. Default: hourly. */
  PURGE_SCHEDULE: z.string().refine(isCronPattern, 'must be a cron pattern such as "0 * * * *"').default('0 * * * *'),
  /** Conversations deleted per purge transaction. */
  PURGE_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),

  /**
   * Minutes between signed checkpoints of every audit chain (server/audit/checkpoint-scheduler.ts). Every instance
   * polls; a lease row in the database lets one of them sign per interval. Entries newer than the last checkpoint
   * can still be cut off undetected by the maintenance role, so this is the window truncation can hide in.
   */
  AUDIT_CHECKPOINT_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
})

export type Env = z.infer<typeof schema>

export interface Config {
  env: Env['NODE_ENV']
  port: number
  host: string
  publicUrl: string
  dataDir: string
  database: { url: string | undefined; migrationUrl: string | undefined; poolMax: number }
  logLevel: Env['LOG_LEVEL']
  trustProxy: boolean | number | string[]
  httpJsonLimitBytes: number
  httpTimeouts: { requestMs: number; headersMs: number; keepAliveMs: number }
  /** Origins allowed cross-origin (exact match); empty: same-origin only. */
  corsOrigins: string[]
  rateLimit: { loginPerMinute: number; apiPerMinute: number; chatPerMinute: number }
  /** port: the separate metrics listener (undefined: none); token: /metrics on the main port (undefined: none). */
  metrics: { port: number | undefined; host: string; token: string | undefined }
  demoSeed: boolean
  oidc: {
    /** undefined: the embedded development IdP. */
    issuer: string | undefined
    clientId: string
    clientSecret: string | undefined
    audience: string
    jwksUrl: string | undefined
    algorithms: string[]
    tokenType: 'at+jwt' | 'JWT'
    scopes: string
    claims: { tenant: string; clearance: string; departments: string; groups: string; roles: string }
    clockToleranceSeconds: number
  }
  session: { secret: string | undefined; idleMinutes: number; absoluteHours: number; stepUpMaxAgeSeconds: number }
  ingest: {
    chunkSize: number
    chunkOverlap: number
    maxFileBytes: number
    maxPages: number
    departments: string[]
    /** undefined: documents without a classification are refused. */
    defaultClassification: Classification | undefined
    scanPolicy: ScanPolicy
  }
  embeddings: {
    provider: 'local' | 'openai'
    dimensions: number
    baseUrl: string
    model: string
    apiKey: string | undefined
    batchSize: number
  }
  kms: {
    provider: 'local' | 'pkcs11'
    /** undefined: DATA_DIR/master.key. */
    masterKey: string | undefined
    /** Present when provider is pkcs11. */
    pkcs11: { libraryPath: string; tokenLabel: string; pin: string; keyLabel: string } | undefined
    cacheTtlSeconds: number
  }
  chat: {
    provider: 'extractive' | 'openai'
    llm: { baseUrl: string; model: string; apiKey: string | undefined; timeoutMs: number; maxOutputTokens: number }
    /** Highest classification sent to the provider unless the tenant's settings.egress says otherwise. */
    egressMax: Classification
    maxMessageChars: number
    maxMessageTokens: number
    injectionThreshold: number
    relevanceThreshold: number
    declineWhenUngrounded: boolean
    maxConcurrent: number
    dailyTokenBudget: number
    linkAllowlist: string[]
    /** undefined: generated into DATA_DIR (development and test only). */
    promptCanary: string | undefined
  }
  retention: {
    defaultDays: Record<Classification, number>
    purgeSchedule: string
    purgeBatchSize: number
  }
  audit: { checkpointIntervalMinutes: number }
}

/** Parses the environment once; throws ConfigError listing every problem, not just the first. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(Object.entries(environment).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = schema.safeParse(input)
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`))
  }
  const e = parsed.data
  const problems = [...ingestProblems(e), ...httpProblems(e), ...kmsProblems(e), ...productionProblems(e)]
  if (problems.length > 0) throw new ConfigError(problems)
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    dataDir: path.resolve(e.DATA_DIR),
    database: { url: e.DATABASE_URL, migrationUrl: e.DATABASE_MIGRATION_URL ?? e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX },
    logLevel: e.LOG_LEVEL,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    httpJsonLimitBytes: e.HTTP_JSON_LIMIT_BYTES,
    httpTimeouts: {
      requestMs: e.HTTP_REQUEST_TIMEOUT_MS,
      headersMs: e.HTTP_HEADERS_TIMEOUT_MS,
      keepAliveMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    },
    corsOrigins: corsOrigins(e.CORS_ORIGINS),
    rateLimit: {
      loginPerMinute: e.RATE_LIMIT_LOGIN_PER_MINUTE,
      apiPerMinute: e.RATE_LIMIT_API_PER_MINUTE,
      chatPerMinute: e.RATE_LIMIT_CHAT_PER_MINUTE,
    },
    metrics: { port: e.METRICS_PORT, host: e.METRICS_HOST, token: e.METRICS_TOKEN },
    demoSeed: e.DEMO_SEED ?? e.NODE_ENV === 'development',
    oidc: {
      issuer: e.OIDC_ISSUER?.replace(/\/+$/, ''),
      clientId: e.OIDC_CLIENT_ID,
      clientSecret: e.OIDC_CLIENT_SECRET,
      audience: e.OIDC_AUDIENCE,
      jwksUrl: e.OIDC_JWKS_URL,
      algorithms: e.OIDC_ALGORITHMS.split(','),
      tokenType: e.OIDC_TOKEN_TYPE,
      scopes: e.OIDC_SCOPES,
      claims: {
        tenant: e.OIDC_CLAIM_TENANT,
        clearance: e.OIDC_CLAIM_CLEARANCE,
        departments: e.OIDC_CLAIM_DEPARTMENTS,
        groups: e.OIDC_CLAIM_GROUPS,
        roles: e.OIDC_CLAIM_ROLES,
      },
      clockToleranceSeconds: e.OIDC_CLOCK_TOLERANCE_SECONDS,
    },
    session: {
      secret: e.SESSION_SECRET,
      idleMinutes: e.SESSION_IDLE_MINUTES,
      absoluteHours: e.SESSION_ABSOLUTE_HOURS,
      stepUpMaxAgeSeconds: e.STEP_UP_MAX_AGE_SECONDS,
    },
    ingest: {
      chunkSize: e.INGEST_CHUNK_SIZE,
      chunkOverlap: e.INGEST_CHUNK_OVERLAP,
      maxFileBytes: e.INGEST_MAX_FILE_BYTES,
      maxPages: e.INGEST_MAX_PAGES,
      departments: [...new Set(e.INGEST_DEPARTMENTS.split(','))],
      defaultClassification: e.INGEST_DEFAULT_CLASSIFICATION,
      scanPolicy: e.INGEST_SCAN_POLICY,
    },
    embeddings: {
      provider: e.EMBEDDINGS_PROVIDER,
      dimensions: e.EMBEDDINGS_DIMENSIONS,
      baseUrl: e.EMBEDDINGS_BASE_URL.replace(/\/+$/, ''),
      model: e.EMBEDDINGS_MODEL,
      apiKey: e.EMBEDDINGS_API_KEY,
      batchSize: e.EMBEDDINGS_BATCH_SIZE,
    },
    kms: {
      provider: e.KMS_PROVIDER,
      masterKey: e.STRONGROOM_MASTER_KEY,
      pkcs11:
        e.KMS_PROVIDER === 'pkcs11'
          ? { libraryPath: e.PKCS11_LIBRARY!, tokenLabel: e.PKCS11_TOKEN_LABEL!, pin: e.PKCS11_PIN!, keyLabel: e.PKCS11_KEY_LABEL }
          : undefined,
      cacheTtlSeconds: e.KEY_CACHE_TTL_SECONDS,
    },
    chat: {
      provider: e.LLM_PROVIDER,
      llm: {
        baseUrl: e.LLM_BASE_URL.replace(/\/+$/, ''),
        model: e.LLM_MODEL,
        apiKey: e.LLM_API_KEY,
        timeoutMs: e.LLM_TIMEOUT_MS,
        maxOutputTokens: e.LLM_MAX_OUTPUT_TOKENS,
      },
      egressMax: e.LLM_EGRESS_MAX_CLASSIFICATION ?? (e.LLM_PROVIDER === 'extractive' ? 'restricted' : 'internal'),
      maxMessageChars: e.CHAT_MAX_MESSAGE_CHARS,
      maxMessageTokens: e.CHAT_MAX_TOKENS,
      injectionThreshold: e.CHAT_INJECTION_THRESHOLD,
      relevanceThreshold: e.CHAT_RELEVANCE_THRESHOLD,
      declineWhenUngrounded: e.CHAT_DECLINE_WHEN_UNGROUNDED,
      maxConcurrent: e.CHAT_MAX_CONCURRENT,
      dailyTokenBudget: e.CHAT_DAILY_TOKEN_BUDGET,
      linkAllowlist: e.CHAT_LINK_ALLOWLIST.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean),
      promptCanary: e.PROMPT_CANARY,
    },
    retention: {
      defaultDays: {
        public: e.RETENTION_DEFAULT_DAYS_PUBLIC,
        internal: e.RETENTION_DEFAULT_DAYS_INTERNAL,
        confidential: e.RETENTION_DEFAULT_DAYS_CONFIDENTIAL,
        restricted: e.RETENTION_DEFAULT_DAYS_RESTRICTED,
      },
      purgeSchedule: e.PURGE_SCHEDULE,
      purgeBatchSize: e.PURGE_BATCH_SIZE,
    },
    audit: { checkpointIntervalMinutes: e.AUDIT_CHECKPOINT_INTERVAL_MINUTES },
  }
}

/** Relations between ingest and embedding variables that a per-variable schema cannot express. */
function ingestProblems(e: Env): string[] {
  const problems: string[] = []
  if (e.INGEST_CHUNK_OVERLAP >= e.INGEST_CHUNK_SIZE) {
    problems.push('INGEST_CHUNK_OVERLAP: must be smaller than INGEST_CHUNK_SIZE')
  }
  if (e.LLM_PROVIDER === 'openai' && !e.LLM_API_KEY) {
    problems.push('LLM_API_KEY: required with LLM_PROVIDER=openai (any non-empty value for endpoints without authentication)')
  }
  if (e.EMBEDDINGS_PROVIDER === 'openai' && !e.EMBEDDINGS_API_KEY) {
    problems.push('EMBEDDINGS_API_KEY: required with EMBEDDINGS_PROVIDER=openai')
  }
  return problems
}

/** Production refuses the development conveniences, each with the variable to set instead. */
function productionProblems(e: Env): string[] {
  if (e.NODE_ENV !== 'production') return []
  const problems: string[] = []
  if (!e.OIDC_ISSUER) problems.push('OIDC_ISSUER: required in production (the embedded development IdP is refused)')
  if (e.OIDC_ISSUER && !e.OIDC_CLIENT_SECRET) problems.push('OIDC_CLIENT_SECRET: required with OIDC_ISSUER')
  if (!e.SESSION_SECRET) problems.push('SESSION_SECRET: required in production (at least 32 characters)')
  if (!e.PROMPT_CANARY) problems.push('PROMPT_CANARY: required in production (a random secret of at least 16 characters)')
  if (e.PUBLIC_URL && !e.PUBLIC_URL.startsWith('https://')) problems.push('PUBLIC_URL: must be https in production')
  if (!e.PUBLIC_URL) problems.push('PUBLIC_URL: required in production (the https origin users reach)')
  return problems
}

function parseTrustProxy(value: string): boolean | number | string[] {
  if (value === 'true' || value === 'false') return value === 'true'
  if (/^\d+$/.test(value)) return Number(value)
  return value.split(',').map((s) => s.trim()).filter(Boolean)
}

function corsOrigins(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean)
}

/** HTTP settings that a per-variable schema cannot check: timeout order, CORS origin shape, port clash. */
function httpProblems(e: Env): string[] {
  const problems: string[] = []
  if (e.HTTP_HEADERS_TIMEOUT_MS > e.HTTP_REQUEST_TIMEOUT_MS) {
    problems.push('HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS')
  }
  for (const origin of corsOrigins(e.CORS_ORIGINS)) {
    // Exact origins only: no wildcard, path or trailing slash, so the allow-list means what it says.
    const url = URL.canParse(origin) ? new URL(origin) : undefined
    if (!url || url.origin !== origin || !/^https?:$/.test(url.protocol) || origin.includes('*')) {
      problems.push(`CORS_ORIGINS: "${origin.slice(0, 100)}" is not an origin like https://app.example.com`)
    } else if (e.NODE_ENV === 'production' && url.protocol !== 'https:') {
      problems.push(`CORS_ORIGINS: "${origin}" must be https in production`)
    }
  }
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT === e.PORT) problems.push('METRICS_PORT: must differ from PORT')
  return problems
}

/** The key provider needs its own settings; production refuses the local one unless explicitly allowed. */
function kmsProblems(e: Env): string[] {
  const problems: string[] = []
  if (e.KMS_PROVIDER === 'pkcs11') {
    for (const name of ['PKCS11_LIBRARY', 'PKCS11_TOKEN_LABEL', 'PKCS11_PIN'] as const) {
      if (!e[name]) problems.push(`${name}: required with KMS_PROVIDER=pkcs11`)
    }
  }
  if (e.NODE_ENV === 'production' && e.KMS_PROVIDER === 'local' && !e.ALLOW_LOCAL_KMS_IN_PRODUCTION) {
    problems.push(
      'KMS_PROVIDER: the local key provider is refused in production; set KMS_PROVIDER=pkcs11 with PKCS11_LIBRARY, ' +
        'PKCS11_TOKEN_LABEL and PKCS11_PIN (or ALLOW_LOCAL_KMS_IN_PRODUCTION=true to accept a key on disk)',
    )
  }
  return problems
}

function isCronPattern(pattern: string): boolean {
  try {
    new Cron(pattern, { paused: true }).stop()
    return true
  } catch {
    return false
  }
}
