import { collect, type Finding } from './finding.ts'

/**
 * Phone numbers. Digit groups are everywhere in prose (amounts, years, IDs, versions), so only shapes that are
 * phone-specific are accepted on their own: a leading `+` country code, North American 3-3-4 with one consistent
 * separator, a trunk `0` followed by grouped digits, or a parenthesised area code. Any other grouping of 7-15 digits
 * counts only next to a phone word ("tel", "mobile", "fax", "call", or a trailing "-Office"/"(home)" label).
 */

const EXT = String.raw`(?:\s?(?:x|ext\.?|extension)\s?\d{1,5})?`
const LEFT = String.raw`(?<![\w+@/\\.:-])(?<!\d,)`
const RIGHT = String.raw`(?![\w@]|[.,/-]\d)`

const INTERNATIONAL = new RegExp(
  String.raw`(?<![\w+])\+\d{1,3}(?:[ .-]?(?:\(0\)[ .-]?)?(?:\(\d{1,4}\)|\d{1,6})){1,6}${EXT}${RIGHT}`,
  'g',
)
const NANP = new RegExp(
  String.raw`${LEFT}(?:(?:1|001)[ .-]?)?(?:\(\d{3}\)[ .-]?\d{3}[ .-]|\d{3}([.-])\d{3}\1)\d{4}${EXT}${RIGHT}`,
  'g',
)
const TRUNK_ZERO = new RegExp(String.raw`${LEFT}0\d{1,4}([ .-])\d{2,8}(?:\1\d{2,8}){0,3}${EXT}${RIGHT}`, 'g')
const PAREN_AREA = new RegExp(String.raw`${LEFT}\(\d{2,4}\)\s?\d{2,4}(?:[ .-]\d{2,4}){1,3}${EXT}${RIGHT}`, 'g')
const BARE = new RegExp(String.raw`${LEFT}\d{2,5}(?:[ .-]?\d{2,5}){0,4}${EXT}${RIGHT}`, 'g')

const WORD_BEFORE =
  /\b(?:tel(?:ephone)?|phone|ph|mobile|mob|cell(?:ular)?|fax|call(?:ed)?|whatsapp|sms|text me|landline|hotline|dial(?:ed)?|ring)\b\.?(?:\s+(?:me|us|him|her|them))?(?:\s+(?:no\.?|nr\.?|number|at|on))?\s*[:#]?\s*\(?$/i
const WORD_AFTER = /^\s?[-(]?\s?(?:office|fax|mobile|cell|home|work|tel|phone)\b/i

function digitCount(s: string): number {
  const main = s.replace(/\s?(?:x|ext\.?|extension)\s?\d{1,5}$/i, '')
  return main.replace(/\D/g, '').length
}

function withinDigits(min: number, max: number) {
  return (m: RegExpExecArray): Finding | null => {
    const n = digitCount(m[0])
    return n >= min && n <= max ? { type: 'PHONE', start: m.index, end: m.index + m[0].length } : null
  }
}

function hasPhoneContext(text: string, start: number, end: number): boolean {
  const before = text.slice(Math.max(0, start - 40), start)
  const after = text.slice(end, end + 12)
  return WORD_BEFORE.test(before) || WORD_AFTER.test(after)
}

/** Looks like a calendar date or a year range rather than a number to dial. */
function looksLikeDate(s: string): boolean {
  return /^\d{1,4}([./-])\d{1,2}\1\d{1,4}$/.test(s) || /^(?:19|20)\d{2}\s?[-–]\s?(?:19|20)?\d{2}$/.test(s)
}

export function findPhones(text: string): Finding[] {
  const out: Finding[] = [
    ...collect(text, INTERNATIONAL, withinDigits(8, 15)),
    ...collect(text, NANP, withinDigits(10, 14)),
    ...collect(text, TRUNK_ZERO, (m) => (looksLikeDate(m[0]) ? null : withinDigits(9, 12)(m))),
    ...collect(text, PAREN_AREA, withinDigits(7, 12)),
  ]
  const bare = collect(text, BARE, (m) => {
    const f = withinDigits(7, 15)(m)
    if (!f || looksLikeDate(m[0])) return null
    return hasPhoneContext(text, f.start, f.end) ? f : null
  })
  return [...out, ...bare]
}
