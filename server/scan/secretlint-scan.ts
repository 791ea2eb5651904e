import { lintSource } from '@secretlint/core'
import { secretLintProfiler } from '@secretlint/profiler'
import { rules as recommendedRules } from '@secretlint/secretlint-rule-preset-recommend'
import type { Finding } from './finding.ts'
import { LINT_EXT, LINT_FILE_PATH, ruleMayMatch } from './secretlint-gates.ts'

/**
 * Runs secretlint's maintained recommended rules in-process on a string.
 *
 * Security decisions:
 * - The rules are registered one by one instead of through the preset, because the preset cannot disable its
 *   comment filter: `secretlint-disable` comments would let the text being scanned (an uploaded document, a chat
 *   message) switch the scanner off for itself.
 * - The AWS rule's access-key-ID scan is opt-in upstream; it is switched on here.
 * - `maskSecrets` is set so secretlint's own messages never hold a value; only rule ids and ranges are used.
 */

/**
 * @secretlint/core 12 profiles every lint unconditionally: each call adds ~100 global performance marks that are
 * never cleared, and its observer scans them all on every mark (secretlint/secretlint#1633, #1653; fixed upstream
 * by #1673 with `setEnabled`). In a long-running server that is a memory leak and a quadratic slowdown, so the
 * profiler is switched off here: through `setEnabled` where it exists, otherwise by making `mark` a no-op. The
 * profiler is the singleton @secretlint/core itself imports (same hoisted package, pinned to core's version).
 */
function silenceProfiler(): void {
  const profiler = secretLintProfiler as unknown as { setEnabled?: (on: boolean) => void; mark: (m: unknown) => void }
  if (typeof profiler.setEnabled === 'function') profiler.setEnabled(false)
  else profiler.mark = () => {}
}
silenceProfiler()

const FILTER_COMMENTS = '@secretlint/secretlint-rule-filter-comments'
const AWS = '@secretlint/secretlint-rule-aws'

// The config type is derived from lintSource so that only declared dependencies are imported.
type Config = Parameters<typeof lintSource>[0]['options']['config']
const descriptors: Config['rules'] = recommendedRules
  .filter((rule) => rule.meta.id !== FILTER_COMMENTS)
  .map((rule) => ({ id: rule.meta.id, rule, options: rule.meta.id === AWS ? { enableIDScanRule: true } : {} }))

/** secretlint message ids -> our finding types; ids not listed are converted to UPPER_SNAKE_CASE. */
const TYPE_BY_MESSAGE: Readonly<Record<string, string>> = {
  AWSAccessKeyID: 'AWS_ACCESS_KEY',
  AWSSecretAccessKey: 'AWS_SECRET_KEY',
  AWSAccountID: 'AWS_ACCOUNT_ID',
  BasicAuth: 'BASIC_AUTH_CREDENTIALS',
  IncomingWebhook: 'SLACK_WEBHOOK',
  MongoDBConnection: 'DATABASE_CONNECTION_STRING',
  MySQLConnection: 'DATABASE_CONNECTION_STRING',
  PostgreSQLConnection: 'DATABASE_CONNECTION_STRING',
  PrivateKey: 'PRIVATE_KEY',
  PrivateKeyJSON: 'PRIVATE_KEY',
  Npmrc_authToken: 'NPM_TOKEN',
  NPM_ACCESS_TOKEN: 'NPM_TOKEN',
  PackageJSON_xOauthToken: 'GITHUB_TOKEN',
  OPENAI_TOKEN: 'OPENAI_API_KEY',
  SENDGRID_KEY: 'SENDGRID_API_KEY',
  SHOPIFY_KEY: 'SHOPIFY_TOKEN',
}

function toType(messageId: string): string {
  return (
    TYPE_BY_MESSAGE[messageId] ??
    messageId
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/[^A-Za-z0-9]+/g, '_')
      .toUpperCase()
  )
}

/**
 * secretlint 12 reports the AWS secret key's range as (start of `aws_secret_access_key`, length of the key), which
 * leaves the tail of the value outside the span. Re-anchor it on the 40-character value itself.
 */
function awsSecretValue(text: string, start: number, end: number): Finding {
  const m = /(?::|=>|=)\s*["']?([A-Za-z0-9/+=]{40})/.exec(text.slice(start, start + 200))
  if (!m) return { type: 'AWS_SECRET_KEY', start, end }
  const valueStart = start + m.index + m[0].length - 40
  return { type: 'AWS_SECRET_KEY', start: valueStart, end: valueStart + 40 }
}

export async function findSecretlintSecrets(text: string): Promise<Finding[]> {
  // Only the rules that could match run (secretlint-gates.ts); in their original order, so the result is the same.
  const rules = descriptors.filter((d) => ruleMayMatch(d.id, text))
  if (rules.length === 0) return []
  const result = await lintSource({
    source: { content: text, filePath: LINT_FILE_PATH, ext: LINT_EXT, contentType: 'text' },
    options: { config: { rules }, maskSecrets: true, noPhysicFilePath: true },
  })
  const out: Finding[] = []
  for (const m of result.messages) {
    if (m.type !== 'message') continue
    const [start, end] = m.range
    out.push(m.messageId === 'AWSSecretAccessKey' ? awsSecretValue(text, start, end) : { type: toType(m.messageId), start, end })
  }
  return out
}
