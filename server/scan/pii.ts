import { isIPv6 } from 'node:net'
import { cardPrefixPlausible, IBAN_LENGTHS, ibanValid, luhnValid } from './checksums.ts'
import { collect, resolveOverlaps, type Finding } from './finding.ts'
import { findNationalIds } from './national-ids.ts'
import { findPhones } from './pii-phone.ts'

export type { Finding } from './finding.ts'

/**
 * Overlap priority, lower wins: checksum-validated identifiers beat pattern-only ones, and PHONE, the loosest
 * pattern, loses to everything, so "4111 1111 1111 1111" is one CREDIT_CARD and not also a phone number.
 */
const RANK: Readonly<Record<string, number>> = {
  EMAIL: 0, IBAN: 1, CREDIT_CARD: 2, IT_FISCAL_CODE: 3, FR_NIR: 3, ES_DNI: 3, ES_NIE: 3, NL_BSN: 3, PL_PESEL: 3,
  US_SSN: 4, US_ITIN: 4, UK_NINO: 4, IP_ADDRESS: 5, MAC_ADDRESS: 5, DATE_OF_BIRTH: 6, DRIVER_LICENSE: 6,
  PASSPORT: 6, PHONE: 9,
}
const rank = (type: string): number => RANK[type] ?? 8

const EMAIL =
  /(?<![\w.+%-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![\w-])/g

/** 12-19 digits, optionally split by single spaces or dashes, not glued to other digits. */
const CARD = /(?<![\w.,-])\d(?:[ -]?\d){11,18}(?!\w|[.,-]\d)/g

const CARD_WORD = /\b(?:card|cc|maestro|debit|credit)\b[^\d\n]{0,20}$/i

/** Printed card numbers are unbroken, in fours (the last group shorter), or 4-6-4/4-6-5 (Amex, Diners). */
function cardGroupingValid(printed: string): boolean {
  const groups = printed.split(/[ -]/).map((g) => g.length)
  if (groups.length === 1) return true
  if (groups.join('-') === '4-6-5' || groups.join('-') === '4-6-4') return true
  return groups.slice(0, -1).every((n) => n === 4) && (groups[groups.length - 1] as number) <= 4
}

function cardFinding(text: string, m: RegExpExecArray): Finding | null {
  if (!cardGroupingValid(m[0])) return null
  const digits = m[0].replace(/\D/g, '')
  if (digits.length > 19 || /^(\d)\1+$/.test(digits) || !cardPrefixPlausible(digits) || !luhnValid(digits)) return null
  // Maestro also issues 12-digit numbers; at that length only an explicit "card" nearby makes it one.
  if (digits.length === 12 && !(/^[56]/.test(digits) && CARD_WORD.test(text.slice(Math.max(0, m.index - 30), m.index)))) {
    return null
  }
  return { type: 'CREDIT_CARD', start: m.index, end: m.index + m[0].length }
}

const IBAN_START = /\b[A-Za-z]{2}\d{2}(?= ?[A-Za-z0-9])/g

/** Takes exactly as many characters as the country's IBAN length (print form allows single spaces). */
function ibanFinding(text: string, m: RegExpExecArray): Finding | null {
  const want = IBAN_LENGTHS[m[0].slice(0, 2).toUpperCase()]
  if (!want) return null
  let i = m.index
  let compact = ''
  while (i < text.length && compact.length < want) {
    const c = text[i] as string
    if (/[A-Za-z0-9]/.test(c)) compact += c
    else if (!(c === ' ' && /[A-Za-z0-9]/.test(text[i + 1] ?? '') && compact.length > 0)) break
    i++
  }
  if (compact.length !== want || /[A-Za-z0-9]/.test(text[i] ?? '')) return null
  return ibanValid(compact) ? { type: 'IBAN', start: m.index, end: i } : null
}

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)'
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?:/(?:3[0-2]|[12]?\\d))?(?![\\w]|\\.\\d)`, 'g')
const IPV6 = /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:])/g
/** Dotted quads after these words are versions or section numbers, not addresses. */
const VERSION_BEFORE = /\b(?:v|version|ver\.?|release|build|rev\.?|chapter|section|sec\.?|step|figure|fig\.?|table|clause|article|paragraph|item|no\.?)\s*$|§\s*$/i

function ipv6Finding(m: RegExpExecArray): Finding | null {
  const s = m[0]
  if (!isIPv6(s)) return null
  const groups = s.split(':').filter((g) => g !== '')
  // "a::b"-sized strings appear in code (C++ scopes, Haskell); a real address has more groups or is compressed.
  if (groups.length < 2 || (groups.length < 3 && !/[0-9]/.test(s))) return null
  return { type: 'IP_ADDRESS', start: m.index, end: m.index + s.length }
}

const MAC = /(?<![\w:-])[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}(?![\w:-])|\b[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\b/g

const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?'
const DATE =
  `(?:\\d{1,2}[./-]\\d{1,2}[./-](?:\\d{4}|\\d{2})|\\d{4}-\\d{1,2}-\\d{1,2}|${MONTH}\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}|\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH},?\\s+\\d{4})`
const DOB = new RegExp(
  `\\b(?:date of birth|birth ?date|d\\.?o\\.?b\\.?|born(?: on)?|birthday|geburtsdatum|geboren am|fecha de nacimiento|date de naissance|n[ée]e? le|data di nascita)\\s*(?:is|was|[:=-])?\\s*(${DATE})(?![\\w])`,
  'gi',
)
const DRIVER_LICENSE =
  /\bdriver'?s?\s+licen[cs]e(?:\s+(?:number|no\.?|num|#|id))?(?:\s+is)?\s*[:#]?\s*([A-Z0-9](?:[A-Z0-9-]{3,18})[A-Z0-9])\b/gi
const PASSPORT = /\bpassport(?:\s+(?:number|no\.?|num|#))?(?:\s+is)?\s*[:#]?\s*([A-Z0-9]{6,9})\b/gi

function contextual(type: string, minDigits: number) {
  return (m: RegExpExecArray): Finding | null => {
    const value = m[1] as string
    if (value.replace(/\D/g, '').length < minDigits) return null
    const start = m.index + m[0].lastIndexOf(value)
    return { type, start, end: start + value.length }
  }
}

/**
 * Finds personal data in text. Pure and synchronous; offsets refer to `text` as given, so callers that normalize
 * (NFKC, hidden characters removed) must scan the normalized string they keep.
 */
export function findPii(text: string): Finding[] {
  // Cheap necessary conditions, each checked once (most prose has neither): every match of the patterns gated on
  // `digit` holds a digit, or yields no finding without one (the contextual minimum digit counts); every email an @.
  const digit = /\d/.test(text)
  const found: Finding[] = [
    ...(text.includes('@') ? collect(text, EMAIL, (m) => ({ type: 'EMAIL', start: m.index, end: m.index + m[0].length })) : []),
    ...(digit ? collect(text, CARD, (m) => cardFinding(text, m)) : []),
    ...(digit ? collect(text, IBAN_START, (m) => ibanFinding(text, m)) : []),
    ...(digit
      ? collect(text, IPV4, (m) =>
        VERSION_BEFORE.test(text.slice(Math.max(0, m.index - 10), m.index))
          ? null
          : { type: 'IP_ADDRESS', start: m.index, end: m.index + m[0].length },
      )
      : []),
    ...(text.includes(':') ? collect(text, IPV6, ipv6Finding) : []),
    ...collect(text, MAC, (m) =>
      /[A-Fa-f:]/.test(m[0]) ? { type: 'MAC_ADDRESS', start: m.index, end: m.index + m[0].length } : null,
    ),
    ...(digit ? collect(text, DOB, contextual('DATE_OF_BIRTH', 2)) : []),
    ...(digit ? collect(text, DRIVER_LICENSE, contextual('DRIVER_LICENSE', 4)) : []),
    ...(digit ? collect(text, PASSPORT, contextual('PASSPORT', 5)) : []),
    ...findNationalIds(text, digit),
    ...(digit ? findPhones(text) : []),
  ]
  return resolveOverlaps(found, rank)
}
