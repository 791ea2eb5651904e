import { normalizeText } from '../../scan/hidden-text.ts'
import { CANARY_PATTERN } from '../prompts/canary.ts'

/** Words per shingle: eight consecutive words of the system prompt in an answer count as a leak. */
const SHINGLE = 8
const WORD = /[\p{L}\p{N}]+/gu
const BASE64_BLOB = /[A-Za-z0-9+/_-]{16,}={0,2}/g
const HEX_BLOB = /(?:[0-9A-Fa-f]{2}){8,}/g

export type LeakType = 'system_prompt' | 'canary'

const words = (text: string) => text.normalize('NFKC').toLowerCase().match(WORD) ?? []
const compact = (text: string) => words(text).join('')

function shingles(text: string): Set<string> {
  const w = words(text)
  const out = new Set<string>()
  for (let i = 0; i + SHINGLE <= w.length; i++) out.add(w.slice(i, i + SHINGLE).join(' '))
  return out
}

const rot13 = (text: string) => text.replace(/[a-z]/gi, (c) => {
  const base = c <= 'Z' ? 65 : 97
  return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base)
})

/** Decoded readable forms an answer might hide a leak in: base64 and hex blobs, the text reversed and in ROT13. */
function variants(text: string): string[] {
  const out = [text, [...text].reverse().join(''), rot13(text)]
  for (const m of text.matchAll(BASE64_BLOB)) out.push(Buffer.from(m[0], m[0].includes('-') || m[0].includes('_') ? 'base64url' : 'base64').toString('latin1'))
  for (const m of text.matchAll(HEX_BLOB)) out.push(Buffer.from(m[0], 'hex').toString('latin1'))
  return out
}

/**
 * Detects an answer that reveals the system prompt or a canary, assuming the model is fully compromised:
 * - any run of eight consecutive words of any system prompt template (case, punctuation and Markdown ignored);
 * - the requester's canary, its random part alone, or the deployment secret, with separators or spacing removed;
 * - anything shaped like a canary (CANARY_PATTERN), whoever's it is;
 * each also inside base64 or hex blobs, in reversed text and in ROT13.
 */
export function createLeakDetector(promptTexts: readonly string[], deploymentSecret: string) {
  const known = new Set<string>()
  for (const t of promptTexts) for (const s of shingles(t)) known.add(s)
  const secret = compact(deploymentSecret)
  return (answer: string, canary: string): LeakType | null => {
    const canaryPart = compact(canary).replace(/^srcanary/, '')
    for (const v of variants(normalizeText(answer))) {
      const flat = compact(v)
      if (CANARY_PATTERN.test(v) || (canaryPart.length >= 8 && flat.includes(canaryPart))) return 'canary'
      if (secret.length >= 12 && flat.includes(secret)) return 'canary'
      const w = words(v)
      for (let i = 0; i + SHINGLE <= w.length; i++) if (known.has(w.slice(i, i + SHINGLE).join(' '))) return 'system_prompt'
    }
    return null
  }
}

export type LeakDetector = ReturnType<typeof createLeakDetector>
