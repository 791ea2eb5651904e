import { collect, type Finding } from './finding.ts'

/**
 * Detectors that complement secretlint: private key blocks (also truncated ones, as chunking can cut a key in
 * half), credentials assigned in config syntaxes (ini, env, yaml, json, xml), Authorization headers, JWTs and two
 * widespread key formats the recommended preset lacks. Spans cover the value only, so redaction keeps the key name.
 */

const PRIVATE_KEY =
  /-----BEGIN ([A-Z0-9 ]*?)PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]{0,20000}?-----END \1PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=:,\s-]*)/g
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g
const STRIPE = /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,}\b/g
const GOOGLE_API = /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g
const AUTH_HEADER = /\bAuthorization\s*[:=]\s*["']?(?:Bearer|Basic|Token|Bot)\s+([A-Za-z0-9._~+/=-]{12,})/gi

const ASSIGNMENT =
  /(?<![\w.-])(["']?)([A-Za-z_][\w.-]{0,79})\1[ \t]*(?::=|=>|=|:)[ \t]*(?:!!?\w+[ \t]+)?(?:"([^"\n]{1,200})"|'([^'\n]{1,200})'|([^\s"'#;,{}[\]][^\s#;,{}]*))/g
const XML_ELEMENT = /<([\w.-]*(?:password|passwd|secret|token|apikey|api_key)[\w.-]*)>([^<\s]{4,200})<\/\1>/gi

const PASSWORD_WORDS = new Set(['password', 'passwd', 'passphrase', 'pwd', 'pw', 'pass'])
const SECRET_WORDS = new Set(['secret', 'secrets', 'token', 'apikey', 'credential', 'credentials', 'privatekey'])
const SECRET_PAIRS = new Set(['api key', 'access key', 'auth key', 'private key', 'secret key', 'client secret', 'auth token'])
/** Names that hold metadata about a credential rather than the credential itself. */
const NOT_A_VALUE = new Set([
  'length', 'len', 'size', 'min', 'max', 'count', 'type', 'types', 'url', 'uri', 'endpoint', 'file', 'path', 'dir',
  'name', 'names', 'id', 'ids', 'hint', 'policy', 'field', 'label', 'prompt', 'required', 'enabled', 'enable',
  'disabled', 'expiry', 'expires', 'expiration', 'ttl', 'format', 'regex', 'pattern', 'rules', 'reset', 'timeout',
  'lifetime', 'usage', 'validation', 'strength', 'limit', 'header', 'param', 'prefix', 'env', 'var', 'location',
])
const PLACEHOLDER =
  /^(?:null|none|nil|undefined|true|false|yes|no|n\/a|tbd|todo|changeme|change_me|string|str|required|optional|\*+|x+|\.+|-+|<[^>]*>|\$\{[^}]*\}|\$\(.*\)|\$[A-Za-z_]\w*|\{\{.*\}\}|%[A-Za-z_]+%|(?:your|my|insert|enter|replace)[-_ ].*|.*(?:example|placeholder|redacted).*)$/i

function words(identifier: string): string[] {
  return identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '')
}

/** PASSWORD_ASSIGNMENT, SECRET_ASSIGNMENT, or null when the name is not a credential name. */
function credentialKind(identifier: string): string | null {
  const w = words(identifier)
  const last = w[w.length - 1] ?? ''
  if (NOT_A_VALUE.has(last) || (w.includes('tokens') && w.length > 1)) return null
  if (w.some((x) => PASSWORD_WORDS.has(x))) return 'PASSWORD_ASSIGNMENT'
  if (w.some((x) => SECRET_WORDS.has(x))) return 'SECRET_ASSIGNMENT'
  for (let i = 0; i + 1 < w.length; i++) if (SECRET_PAIRS.has(`${w[i]} ${w[i + 1]}`)) return 'SECRET_ASSIGNMENT'
  return null
}

function assignmentFinding(text: string, m: RegExpExecArray): Finding | null {
  const kind = credentialKind(m[2] as string)
  if (!kind) return null
  const quoted = m[3] ?? m[4]
  const value = quoted ?? (m[5] as string)
  if (value.trim().length < 4 || PLACEHOLDER.test(value.trim())) return null
  if (quoted === undefined) {
    // Prose ("Password: reset it in the portal") continues after the first word; a config value ends the line.
    const lineEnd = text.indexOf('\n', m.index + m[0].length)
    const rest = text.slice(m.index + m[0].length, lineEnd === -1 ? undefined : lineEnd)
    if (!/^\s*(?:(?:#|;|\/\/).*|[,}\]].*)?$/.test(rest)) return null
    // A code reference (config.db.password, getenv(...)) or a lone dictionary-style word is not a stored secret.
    if (/[()]/.test(value) || /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$/.test(value)) return null
    if (/^[A-Z]?[a-z]+$/.test(value)) return null
  }
  const start = m.index + m[0].length - value.length - (quoted === undefined ? 0 : 1)
  return { type: kind, start, end: start + value.length }
}

const whole = (type: string) => (m: RegExpExecArray): Finding => ({ type, start: m.index, end: m.index + m[0].length })

/** Each pattern runs only when the text holds a literal that every match of it contains. */
export function findPatternSecrets(text: string): Finding[] {
  return [
    ...(text.includes('-----BEGIN ')
      ? collect(text, PRIVATE_KEY, (m) => ({ type: 'PRIVATE_KEY', start: m.index, end: m.index + m[0].trimEnd().length }))
      : []),
    ...(text.includes('eyJ') ? collect(text, JWT, whole('JWT')) : []),
    ...(text.includes('_live_') || text.includes('_test_') ? collect(text, STRIPE, whole('STRIPE_KEY')) : []),
    ...(text.includes('AIza') ? collect(text, GOOGLE_API, whole('GOOGLE_API_KEY')) : []),
    ...(/authorization/i.test(text)
      ? collect(text, AUTH_HEADER, (m) => {
        const start = m.index + m[0].length - (m[1] as string).length
        return { type: 'AUTHORIZATION_HEADER', start, end: m.index + m[0].length }
      })
      : []),
    ...(/[:=]/.test(text) ? collect(text, ASSIGNMENT, (m) => assignmentFinding(text, m)) : []),
    ...(text.includes('</')
      ? collect(text, XML_ELEMENT, (m) => {
        const kind = credentialKind(m[1] as string)
        if (!kind || PLACEHOLDER.test(m[2] as string)) return null
        const start = m.index + (m[1] as string).length + 2
        return { type: kind, start, end: start + (m[2] as string).length }
      })
      : []),
  ]
}
