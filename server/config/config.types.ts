import type { Classification } from '../policy/levels.ts'
import type { Env } from './env.schema.ts'
import type { ScanPolicy } from './ingest.schema.ts'

/** The parsed configuration, built once at start by loadConfig and passed to whatever needs it. */
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
