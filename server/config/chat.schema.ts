import { z } from 'zod'
import { CLASSIFICATIONS } from '../policy/levels.ts'
import { bool, positiveInt } from './fields.ts'

/** The chat model, its egress ceiling, and the limits and guards on each chat message. */
export const chatEnv = {
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
}
