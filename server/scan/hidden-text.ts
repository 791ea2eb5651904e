import type { Finding } from './finding.ts'

/**
 * Characters that render as nothing but survive copy, paste and extraction: the usual carriers of instructions a
 * human reviewer cannot see. Hidden HTML (display:none, white-on-white) is the HTML parser's job, not this file's.
 *
 * Types: ZERO_WIDTH (U+200B-U+200F, U+2060-U+2064, U+FEFF), BIDI_CONTROL (U+202A-U+202E, U+2066-U+2069),
 * TAG_CHARACTERS (U+E0000-U+E007F) and HIDDEN_INSTRUCTION, a run of tag characters that decodes to ASCII text.
 *
 * Not reported, because ordinary text needs them: a byte-order mark at offset 0; ZWJ inside emoji sequences;
 * ZWJ/ZWNJ/LRM/RLM between letters of scripts that use them (Arabic, Hebrew, Indic...); tag sequences that spell
 * a subdivision flag after U+1F3F4. Bidi embedding and override controls are always reported (Trojan Source).
 */

type HiddenClass = 'ZERO_WIDTH' | 'BIDI_CONTROL' | 'TAG_CHARACTERS'

function classOf(cp: number): HiddenClass | null {
  if ((cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2060 && cp <= 0x2064) || cp === 0xfeff) return 'ZERO_WIDTH'
  if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) return 'BIDI_CONTROL'
  if (cp >= 0xe0000 && cp <= 0xe007f) return 'TAG_CHARACTERS'
  return null
}

const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u{FE0F}/u
const JOINING_SCRIPT_LETTER = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Mongolian}]/u

const codePointBefore = (text: string, i: number): string => {
  if (i === 0) return ''
  const unit = text.charCodeAt(i - 1)
  const start = unit >= 0xdc00 && unit <= 0xdfff && i >= 2 ? i - 2 : i - 1
  return String.fromCodePoint(text.codePointAt(start) as number)
}
const codePointAt = (text: string, i: number): string => {
  const cp = text.codePointAt(i)
  return cp === undefined ? '' : String.fromCodePoint(cp)
}

function isBenign(text: string, i: number, cp: number, width: number): boolean {
  if (cp === 0xfeff && i === 0) return true
  const before = codePointBefore(text, i)
  const after = codePointAt(text, i + width)
  if (cp === 0x200d && PICTOGRAPHIC.test(before) && PICTOGRAPHIC.test(after)) return true
  if (cp >= 0x200c && cp <= 0x200f) return JOINING_SCRIPT_LETTER.test(before) || JOINING_SCRIPT_LETTER.test(after)
  return false
}

/** Printable ASCII carried by a run of tag characters, or '' when the run carries none. */
function decodeTags(run: string): string {
  let out = ''
  for (const ch of run) {
    const cp = ch.codePointAt(0) as number
    if (cp >= 0xe0020 && cp <= 0xe007e) out += String.fromCharCode(cp - 0xe0000)
  }
  return out
}

const FLAG_TAG_RUN = /^[\u{E0061}-\u{E007A}\u{E0030}-\u{E0039}]{2,6}\u{E007F}$/u

export function findHiddenText(text: string): Finding[] {
  const out: Finding[] = []
  let i = 0
  while (i < text.length) {
    const cp = text.codePointAt(i) as number
    const width = cp > 0xffff ? 2 : 1
    const cls = classOf(cp)
    if (cls === null || isBenign(text, i, cp, width)) {
      i += width
      continue
    }
    let end = i + width
    while (end < text.length) {
      const next = text.codePointAt(end) as number
      if (classOf(next) !== cls) break
      end += next > 0xffff ? 2 : 1
    }
    const run = text.slice(i, end)
    if (cls === 'TAG_CHARACTERS') {
      const flag = codePointBefore(text, i) === '\u{1F3F4}' && FLAG_TAG_RUN.test(run)
      if (!flag) out.push({ type: /[A-Za-z]/.test(decodeTags(run)) ? 'HIDDEN_INSTRUCTION' : cls, start: i, end })
    } else {
      out.push({ type: cls, start: i, end })
    }
    i = end
  }
  return out
}

/** Decoded text of every tag-character run that carries letters; for scoring as a possible planted instruction. */
export function decodeHiddenPayloads(text: string): string[] {
  return findHiddenText(text)
    .filter((f) => f.type === 'HIDDEN_INSTRUCTION')
    .map((f) => decodeTags(text.slice(f.start, f.end)))
}

const INVISIBLE = /[\u200B-\u200F\u2060-\u2064\uFEFF\u202A-\u202E\u2066-\u2069\u00AD\u180E]|[\u{E0000}-\u{E007F}]/gu

/**
 * NFKC-normalizes and removes every invisible character above (plus soft hyphens and U+180E), benign or not, so
 * that "ig\u200Bnore" and full-width "ｉｇｎｏｒｅ" read as "ignore" to every later scanner and to retrieval.
 */
export function normalizeText(text: string): string {
  return text.replace(INVISIBLE, '').normalize('NFKC')
}
