import { BASE64_CHARS, hasRun } from './char-runs.ts'
import { decodeHiddenPayloads, findHiddenText, normalizeText } from './hidden-text.ts'
import { INDIRECT_RULES } from './injection-rules-indirect.ts'
import { DIRECT_RULES, type InjectionRule } from './injection-rules.ts'

/** Scores at or above this are treated as a planted instruction. */
export const INJECTION_THRESHOLD = 0.5

/**
 * Where the text comes from. `document`: retrieved or uploaded content, which should contain no orders to an
 * assistant at all (indirect injection). `user`: the user's own chat message, where "translate your answer" is a
 * normal request. `output`: a model answer (mainly for exfiltration links). Defaults to `document`, the stricter
 * reading, so a caller that forgets to say gets more flags rather than fewer.
 */
export type InjectionSource = 'document' | 'user' | 'output'

export interface InjectionScore {
  /** In [0, 1]: noisy-OR of the weights of the distinct reasons found. */
  score: number
  /** Stable reason codes, strongest first. */
  reasons: string[]
}

type Weights = Map<string, number>

const add = (w: Weights, code: string, weight: number) => w.set(code, Math.max(w.get(code) ?? 0, weight))

/** Any UTF-16 code unit outside ASCII (a surrogate included). */
const NON_ASCII = /[\u0080-\uffff]/

/** "It is important not to disregard safety protocols" states a rule; it does not break one. */
const NEGATED = /(?:\b(?:not|never|no|avoid|without|cannot)|n't)\s+(?:to\s+|ever\s+)?$/i
const RULES = [...DIRECT_RULES, ...INDIRECT_RULES]
const GLOBAL = new Map(RULES.map((r) => [r, new RegExp(r.re.source, r.re.flags + 'g')]))

function matchesUnnegated(re: RegExp, text: string): boolean {
  for (const m of text.matchAll(re)) {
    if (!NEGATED.test(text.slice(Math.max(0, m.index - 24), m.index))) return true
  }
  return false
}

/** A rule's `needs`, each group split once into whole-word literals and plain substrings (see InjectionRule). */
type CompiledNeeds = readonly { words: readonly string[]; substrings: readonly string[] }[] | undefined
const compileNeeds = (rule: InjectionRule): CompiledNeeds =>
  rule.needs?.map((group) => ({
    words: group.filter((l) => /^\w+$/.test(l)),
    substrings: group.filter((l) => !/^\w+$/.test(l)),
  }))
const NEEDS = new Map(RULES.map((r) => [r, compileNeeds(r)]))

/**
 * What the rules' `needs` are checked against, built on first use: the text's words (maximal runs of ASCII word
 * characters, the same \w and \b the rules use, each lowercased) and the lowercased text. Both are sound for the
 * rules' case-insensitive matching, which without the `u` flag pairs ASCII letters only with ASCII letters: words
 * are cut on the original text (lowercasing the whole text first could join two runs, e.g. through U+212A KELVIN
 * SIGN), and lowercasing keeps a run of ASCII characters a run.
 */
class NeedsIndex {
  #words: Set<string> | undefined
  #lower: string | undefined
  constructor(private readonly text: string) {}

  allows(needs: CompiledNeeds): boolean {
    if (needs === undefined) return true
    for (const group of needs) if (!this.#anyOf(group)) return false
    return true
  }

  #anyOf({ words, substrings }: NonNullable<CompiledNeeds>[number]): boolean {
    if (words.length > 0) {
      this.#words ??= new Set((this.text.match(/\w+/g) ?? []).map((w) => w.toLowerCase()))
      for (const w of words) if (this.#words.has(w)) return true
    }
    if (substrings.length > 0) {
      this.#lower ??= this.text.toLowerCase()
      for (const s of substrings) if (this.#lower.includes(s)) return true
    }
    return false
  }
}

/** Whether `rule` could match `text` by its `needs`; false only when it cannot (the tests hold the rules to that). */
export function ruleMayMatch(rule: InjectionRule, text: string): boolean {
  return new NeedsIndex(text).allows(NEEDS.get(rule) ?? compileNeeds(rule))
}

function applyRules(text: string, source: InjectionSource, into: Weights): void {
  const index = new NeedsIndex(text)
  for (const rule of RULES) {
    if (!index.allows(NEEDS.get(rule)) || !rule.re.test(text) || !matchesUnnegated(GLOBAL.get(rule) as RegExp, text)) continue
    add(into, rule.code, source === 'document' ? (rule.documentWeight ?? rule.weight) : rule.weight)
  }
}

function combine(w: Weights): number {
  let keep = 1
  for (const v of w.values()) keep *= 1 - v
  return 1 - keep
}

const BASE64_BLOB = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{24,}={0,2}(?![A-Za-z0-9+/=])/g
const HEX_BLOB = /(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}){12,}(?![0-9A-Fa-f])/g
const MAX_BLOBS = 50
const MAX_BLOB_LENGTH = 20_000

/** Decoded text is kept only if it reads like language: printable ASCII with spaces between words. */
function readable(bytes: Buffer): string | null {
  const s = bytes.toString('latin1')
  if (s.length < 12) return null
  let printable = 0
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k)
    if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x09) printable++
  }
  return printable / s.length >= 0.9 && (s.match(/ /g)?.length ?? 0) >= 2 ? s : null
}

/** Base64 and hex blobs that decode to readable text: a common way to smuggle instructions past filters. */
function decodeBlobs(text: string): string[] {
  const out: string[] = []
  // Both patterns need a run of 24 base64 characters (hex is a subset); most text has none.
  if (!hasRun(text, 24, BASE64_CHARS)) return out
  for (const [re, enc] of [[BASE64_BLOB, 'base64'], [HEX_BLOB, 'hex']] as const) {
    for (const m of text.matchAll(re)) {
      if (out.length >= MAX_BLOBS || m[0].length > MAX_BLOB_LENGTH) break
      const decoded = readable(Buffer.from(m[0], enc))
      if (decoded !== null) out.push(decoded)
    }
  }
  return out
}

/**
 * Scores how likely `text` carries instructions planted for a language model. Heuristic and explainable: every
 * point of score comes from a named reason. Matching runs on the NFKC-normalized text with invisible characters
 * removed; the invisible characters themselves count (`hidden_text`), and instructions spelled in Unicode tag
 * characters or in base64/hex are decoded and scored too.
 */
export function scoreInjection(text: string, opts: { source?: InjectionSource } = {}): InjectionScore {
  const source = opts.source ?? 'document'
  const weights: Weights = new Map()
  // ASCII holds no invisible character and is its own NFKC form: the three passes below would change nothing.
  const ascii = !NON_ASCII.test(text)
  if (!ascii) {
    for (const f of findHiddenText(text)) add(weights, 'hidden_text', f.type === 'HIDDEN_INSTRUCTION' ? 0.8 : 0.25)
    // Tag-character text is invisible to people but read by models: score it like visible text.
    for (const payload of decodeHiddenPayloads(text)) applyRules(normalizeText(payload), source, weights)
  }

  const normalized = ascii ? text : normalizeText(text)
  applyRules(normalized, source, weights)
  for (const decoded of decodeBlobs(normalized)) {
    const inner: Weights = new Map()
    applyRules(decoded, source, inner)
    const innerScore = combine(inner)
    if (innerScore >= 0.3) add(weights, 'encoded_instructions', Math.max(0.6, innerScore))
    else add(weights, 'encoded_text', 0.2)
  }

  const reasons = [...weights].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([code]) => code)
  return { score: Math.round(combine(weights) * 1000) / 1000, reasons }
}
