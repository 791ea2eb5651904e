import type { Env } from './env.schema.ts'
import { corsOrigins } from './list-values.ts'

/**
 * Relations between variables that a per-variable schema cannot express. The order of the areas is the order
 * the startup error lists them in.
 */
export function crossFieldProblems(e: Env): string[] {
  return [...ingestProblems(e), ...httpProblems(e), ...kmsProblems(e), ...productionProblems(e)]
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
