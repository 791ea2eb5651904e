import { collect, type Finding } from './finding.ts'

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0
  const counts = new Map<string, number>()
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1)
  let h = 0
  for (const n of counts.values()) {
    const p = n / s.length
    h -= p * Math.log2(p)
  }
  return h
}

/**
 * Entropy a random base64 token of length n reaches with ~95% probability (measured on random tokens: 3.8 bits at
 * 20 chars, 4.3 at 32, 4.55 at 40, 5.0 at 64). A fixed cut-off (detect-secrets uses 4.5) misses every short token,
 * since a 20-char string cannot go much above 4.3 bits whatever it is.
 */
export function base64Threshold(n: number): number {
  return Math.min(0.85 * Math.log2(n), 5.0)
}

/** The same for tokens of one letter case plus digits (36 symbols): 3.55 bits at 20 chars, 4.0 at 32, 4.5 at 64. */
export function singleCaseThreshold(n: number): number {
  return Math.min(0.8 * Math.log2(n), 4.5)
}

/** Hex tokens carry at most 4 bits per character; 3.0 is detect-secrets' default hex limit. */
export const HEX_THRESHOLD = 3.0

/**
 * Share of characters that sit in word-like runs: three or more lowercase letters (optionally capitalised) or four
 * or more capitals. Identifiers ("getUserAccountById", "MAX_RETRIES") score high; random tokens score low, because
 * a base64 character is lowercase only 40% of the time (measured: 6% of random 32-char tokens reach 0.4). This
 * separates long names from keys of the same entropy.
 */
export function wordiness(s: string): number {
  let covered = 0
  for (const m of s.matchAll(/[A-Z]?[a-z]{3,}|[A-Z]{4,}/g)) covered += m[0].length
  return covered / s.length
}

const TOKEN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{20,}={0,2}(?![A-Za-z0-9+/_=-])/g
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i
const PLACEHOLDER = /example|sample|placeholder|dummy|redacted|xxxx/i
const HASH_CONTEXT = /\b(?:sha-?\d*|md5|hash(?:es)?|checksum|digest|commit|integrity|etag|fingerprint|revision|git|object id|oid|sum)\b[^\n]{0,30}$/i
const PUBLIC_BLOCK = /-----BEGIN (?:CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|X509 CRL|CERTIFICATE REQUEST|PGP PUBLIC KEY BLOCK|PGP SIGNATURE)-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g

function isSecretLike(token: string, before: string): boolean {
  if (UUID.test(token) || PLACEHOLDER.test(token) || /base64,\s*$/.test(before)) return false
  // Vendor prefixes on hex keys ("glptt-<40 hex>") would otherwise hide the hex body from the hex test.
  const prefixedHex = /^[A-Za-z]{2,10}[-_]([0-9a-f]{32,})$/i.exec(token)
  if (prefixedHex) return isSecretLike(prefixedHex[1] as string, before)
  const hasDigit = /\d/.test(token)
  if (/^[0-9a-f]+$/i.test(token)) {
    // Hex of hash length next to "sha256", "commit", "checksum"... is a digest, not a credential.
    if (token.length < 32 || !hasDigit || !/[a-f]/i.test(token) || HASH_CONTEXT.test(before)) return false
    return shannonEntropy(token) >= HEX_THRESHOLD
  }
  const lower = /[a-z]/.test(token)
  const upper = /[A-Z]/.test(token)
  if (lower && upper) {
    if (!hasDigit && token.length < 32) return false
    return wordiness(token) < 0.4 && shannonEntropy(token) >= base64Threshold(token.length)
  }
  if (!hasDigit || !(lower || upper)) return false
  // Single-case keys ([a-z0-9]{32}) cannot be told from words by case; digits scattered among letters can.
  const digits = token.replace(/\D/g, '').length
  const switches = token.match(/[a-zA-Z](?=\d)|\d(?=[a-zA-Z])/g)?.length ?? 0
  return digits >= token.length / 10 && switches >= token.length / 5 && shannonEntropy(token) >= singleCaseThreshold(token.length)
}

/**
 * Long base64/hex-looking tokens whose entropy is what a random key would have. Skips UUIDs, data: URIs, digests
 * named as such, placeholders, and the bodies of certificates and public keys (public by design).
 */
export function findHighEntropy(text: string): Finding[] {
  const publicSpans = text.includes('-----BEGIN ')
    ? collect(text, PUBLIC_BLOCK, (m) => ({ type: 'PUBLIC', start: m.index, end: m.index + m[0].length }))
    : []
  return collect(text, TOKEN, (m) => {
    const start = m.index
    const end = start + m[0].length
    if (publicSpans.some((p) => p.start <= start && end <= p.end)) return null
    const before = text.slice(Math.max(0, start - 40), start)
    return isSecretLike(m[0], before) ? { type: 'HIGH_ENTROPY', start, end } : null
  })
}
