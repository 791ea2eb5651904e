import { AppError } from '../errors.ts'
import type { Embedder } from './embeddings.ts'
import { FeatureTable, fmix32 } from './feature-table.ts'

export const LOCAL_EMBEDDER_NAME = 'local-hash-v1'
export const LOCAL_EMBEDDER_DEFAULT_DIMENSIONS = 384
/** Far above any chunk or query; bounds the reused scratch buffers (under 100 bytes per character). */
export const LOCAL_EMBEDDER_MAX_CHARS = 1_000_000

// Distinct seeds keep the three feature families apart in one 32-bit key space.
const SEED_WORD = 0x811c9dc5
const SEED_BIGRAM = 0x5bd1e995
const SEED_CHAR = 0x9747b28c
const FNV_PRIME = 16777619
// Chosen so that, per word, the ~15 character n-grams and the word itself carry similar energy
// (15 * 0.25^2 ~ 1), with bigrams in between: exact word overlap dominates, morphology still counts.
const FAMILY_WEIGHTS = [1, 0.6]
const CHAR_WEIGHT = 0.25
const FAMILY_WORD = 0
const FAMILY_BIGRAM = 1
const YIELD_EVERY = 256

// Anything but printable ASCII and common whitespace; those are invariant under NFKC.
const NEEDS_NFKC = /[^\t\n\r -~]/
const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u
// Per BMP code unit: 0 unknown, 1 word character, 2 not. Avoids a regex test per character.
const unitClass = new Uint8Array(0x10000)
for (let c = 0; c < 128; c++) unitClass[c] = WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 2
const asciiWidth = Uint8Array.from({ length: 128 }, (_, c) => (unitClass[c] === 1 ? 1 : 0))

/** Number of UTF-16 units of the word character at `i` (1 or 2), or 0 if it is not a letter, digit or mark. */
function wordWidth(s: string, i: number): number {
  const c = s.charCodeAt(i)
  let k = unitClass[c]
  if (k === 0) {
    if (c >= 0xd800 && c <= 0xdbff) {
      const cp = s.codePointAt(i) as number
      return cp > 0xffff && WORD_CHAR.test(String.fromCodePoint(cp)) ? 2 : 0
    }
    k = WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 2
    unitClass[c] = k
  }
  return k === 1 ? 1 : 0
}

/**
 * Signed hashing trick: bit 31 picks the sign, the low 16 bits pick the bucket by multiply-shift (no division;
 * dimensions <= 16000 keeps the product within 32 bits). Branch-free because the sign is a coin flip.
 */
function accumulate(v: Float64Array, key: number, weight: number): void {
  const m = fmix32(key)
  v[Math.imul(m & 0xffff, v.length) >>> 16] += weight * ((m >> 31) | 1)
}

const table = new FeatureTable()
let codes = new Int32Array(4096)
let scratch = new Float64Array(0)
const SUBLINEAR_TF = Float64Array.from({ length: 64 }, (_, k) => (k === 0 ? 0 : 1 + Math.log(k)))

function checkDimensions(dimensions: number): void {
  if (!Number.isInteger(dimensions) || dimensions < 2 || dimensions > 16000) {
    throw new RangeError('local embedder dimensions must be an integer between 2 and 16000')
  }
}

function tooLarge(): AppError {
  return new AppError('embedding_input_too_large', 'text is too long to embed', { status: 413 })
}

/** Adds the character 3-, 4- and 5-grams of one "<word>" span of `codes`, hashed incrementally. */
function addCharGrams(v: Float64Array, start: number, end: number, weight: number): void {
  for (let i = start; i + 3 <= end; i++) {
    let g = Math.imul(SEED_CHAR ^ codes[i], FNV_PRIME)
    g = Math.imul(g ^ codes[i + 1], FNV_PRIME)
    g = Math.imul(g ^ codes[i + 2], FNV_PRIME)
    accumulate(v, g, weight)
    if (i + 4 > end) break
    g = Math.imul(g ^ codes[i + 3], FNV_PRIME)
    accumulate(v, g, weight)
    if (i + 5 > end) continue
    accumulate(v, Math.imul(g ^ codes[i + 4], FNV_PRIME), weight)
  }
}

/**
 * Embeds one text with the signed hashing trick. Returns an L2-normalized vector of `dimensions` numbers, or all
 * zeros when the text has no letters or digits. Deterministic: only integer hashing, Math.log and Math.sqrt are
 * involved, in an order fixed by the text. Word boundaries, NFKC and lowercasing follow the Unicode version of the
 * running Node, so only characters assigned in a newer Unicode version can embed differently across Node majors.
 */
export function embedLexical(text: string, dimensions: number): number[] {
  checkDimensions(dimensions)
  if (text.length > LOCAL_EMBEDDER_MAX_CHARS) throw tooLarge()
  // Skipping the ICU call for plain ASCII saves a measurable share of the total.
  const s = (NEEDS_NFKC.test(text) ? text.normalize('NFKC') : text).toLowerCase()
  const n = s.length
  if (n > LOCAL_EMBEDDER_MAX_CHARS) throw tooLarge() // NFKC can expand a character up to 18-fold
  // Words are copied once into `codes` as "<word>" (boundary markers included), at most 2n + 1 units in all; each
  // word and each bigram needs at least one character of its own, so n + 1 bounds the distinct features.
  if (codes.length < 2 * n + 2) codes = new Int32Array(2 * n + 2)
  table.reset(n + 1)
  let c = 0
  let prev = 0
  let words = 0
  for (let i = 0; i < n; ) {
    let unit = s.charCodeAt(i)
    let w = unit < 128 ? asciiWidth[unit] : wordWidth(s, i)
    if (w === 0) {
      i++
      continue
    }
    const start = c
    codes[c++] = 60
    let h = SEED_WORD
    do {
      h = Math.imul(h ^ unit, FNV_PRIME)
      codes[c++] = unit
      if (w === 2) {
        unit = s.charCodeAt(++i)
        h = Math.imul(h ^ unit, FNV_PRIME)
        codes[c++] = unit
      }
      if (++i === n) break
      unit = s.charCodeAt(i)
      w = unit < 128 ? asciiWidth[unit] : wordWidth(s, i)
    } while (w > 0)
    codes[c++] = 62
    table.add(h, FAMILY_WORD, start, c)
    if (words++ > 0) table.add(Math.imul(prev, FNV_PRIME) ^ fmix32(h ^ SEED_BIGRAM), FAMILY_BIGRAM, 0, 0)
    prev = h
  }
  if (scratch.length !== dimensions) scratch = new Float64Array(dimensions)
  else scratch.fill(0)
  const v = scratch
  for (let u = 0; u < table.size; u++) {
    const at = table.used[u]
    const count = table.slots[at + 1]
    const tf = count < SUBLINEAR_TF.length ? SUBLINEAR_TF[count] : 1 + Math.log(count)
    const family = table.slots[at + 3] & 3
    accumulate(v, table.slots[at], FAMILY_WEIGHTS[family] * tf)
    // Character n-grams come from each distinct word once, carrying that word's sublinear tf.
    if (family === FAMILY_WORD) addCharGrams(v, table.slots[at + 2], table.slots[at + 3] >>> 2, CHAR_WEIGHT * tf)
  }
  let norm = 0
  for (let i = 0; i < dimensions; i++) norm += v[i] * v[i]
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0
  const out = new Array<number>(dimensions)
  for (let i = 0; i < dimensions; i++) out[i] = v[i] * scale
  return out
}

/**
 * The default offline embedder: lexical feature hashing, no model download, no network.
 *
 * It is LEXICAL, NOT SEMANTIC. Texts are close when they share words, word pairs and word fragments (character
 * n-grams, which tolerate inflection and typos). Synonyms and paraphrases with no shared vocabulary are not
 * recognised ("car" is not near "automobile"). Use an OpenAI-compatible embedder for semantic retrieval.
 *
 * Features, over NFKC-normalized lowercase text: word unigrams and word bigrams weighted by sublinear term frequency
 * (1 + ln tf), and the character 3-5-grams of each distinct "<word>" carrying that word's weight; per-family
 * weights; signed hashing into `dimensions` buckets; L2 normalization.
 */
export class LocalHashEmbedder implements Embedder {
  readonly model: string
  readonly dimensions: number

  constructor(opts: { dimensions?: number } = {}) {
    const dimensions = opts.dimensions ?? LOCAL_EMBEDDER_DEFAULT_DIMENSIONS
    checkDimensions(dimensions)
    this.dimensions = dimensions
    this.model = `${LOCAL_EMBEDDER_NAME}:${dimensions}`
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const out: number[][] = []
    for (let i = 0; i < texts.length; i++) {
      // Embedding is synchronous CPU work; yield now and then so a large batch does not stall the event loop.
      if (i > 0 && i % YIELD_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve))
      out.push(embedLexical(texts[i], this.dimensions))
    }
    return out
  }

  async embedQuery(text: string): Promise<number[]> {
    return embedLexical(text, this.dimensions)
  }
}
