import path from 'node:path'
import { ConfigError } from '../errors.ts'
import type { Config } from './config.types.ts'
import { envSchema } from './env.schema.ts'
import { corsOrigins, parseTrustProxy } from './list-values.ts'
import { crossFieldProblems } from './problems.ts'

/** Parses the environment once; throws ConfigError listing every problem, not just the first. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(Object.entries(environment).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = envSchema.safeParse(input)
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`))
  }
  const e = parsed.data
  const problems = crossFieldProblems(e)
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
