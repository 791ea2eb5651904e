/**
 * Check-digit validators. A pattern match alone is weak evidence for an identifier; a valid check digit rules out
 * most accidental matches (1 in 10 for Luhn, 1 in 97 for IBAN), which is what keeps PII precision high on prose.
 */

/** Luhn (mod 10) over a string of digits. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}

/** IBAN length per country (SWIFT IBAN registry). A country not listed here is not accepted. */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22,
  GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30,
  KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27,
  MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22,
  VG: 24, XK: 20, YE: 30,
}

/** Validates a compact IBAN (no spaces, any case): country length table, then ISO 7064 mod 97-10. */
export function ibanValid(iban: string): boolean {
  const s = iban.toUpperCase()
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(s)) return false
  if (IBAN_LENGTHS[s.slice(0, 2)] !== s.length) return false
  const rearranged = s.slice(4) + s.slice(0, 4)
  let rem = 0
  for (const ch of rearranged) {
    const v = ch <= '9' ? ch.charCodeAt(0) - 48 : ch.charCodeAt(0) - 55
    rem = (v > 9 ? rem * 100 + v : rem * 10 + v) % 97
  }
  return rem === 1
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE'

/** Spanish DNI (8 digits + letter) or NIE (X/Y/Z + 7 digits + letter): the letter is the number mod 23. */
export function esIdValid(id: string): boolean {
  const s = id.toUpperCase().replace(/[\s-]/g, '')
  const m = /^([XYZ]?)(\d{7,8})([A-Z])$/.exec(s)
  if (!m) return false
  const [, prefix, digits, letter] = m as unknown as [string, string, string, string]
  if (prefix === '' && digits.length !== 8) return false
  if (prefix !== '' && digits.length !== 7) return false
  const n = Number(prefix === '' ? digits : String('XYZ'.indexOf(prefix)) + digits)
  return DNI_LETTERS[n % 23] === letter
}

const CF_ODD: Readonly<Record<string, number>> = Object.fromEntries(
  [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((c, i) => {
    const table = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]
    const idx = i < 10 ? i : i - 10
    return [c, table[idx] as number]
  }),
)

/** Italian codice fiscale (16 chars): odd/even position tables, sum mod 26 gives the final letter. */
export function itFiscalCodeValid(code: string): boolean {
  const s = code.toUpperCase()
  if (!/^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPR-T][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/.test(s)) return false
  let sum = 0
  for (let i = 0; i < 15; i++) {
    const c = s[i] as string
    if (i % 2 === 0) sum += CF_ODD[c] as number
    else sum += c <= '9' ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 65
  }
  return String.fromCharCode(65 + (sum % 26)) === s[15]
}

/** French NIR (numéro de sécurité sociale, 15 digits): key = 97 - (first 13 digits mod 97); Corsica 2A/2B mapped. */
export function frNirValid(nir: string): boolean {
  const s = nir.toUpperCase().replace(/\s/g, '')
  if (!/^[12]\d{4}(?:\d{2}|2[AB])\d{8}$/.test(s)) return false
  const month = Number(s.slice(3, 5))
  if (!((month >= 1 && month <= 12) || month >= 20)) return false
  const body = s.slice(0, 13).replace('2A', '19').replace('2B', '18')
  return 97 - Number(BigInt(body) % 97n) === Number(s.slice(13))
}

/** Dutch BSN (9 digits): the "elfproef", weights 9..2 and -1, sum divisible by 11. */
export function nlBsnValid(bsn: string): boolean {
  const s = bsn.replace(/\./g, '')
  if (!/^\d{9}$/.test(s) || /^0+$/.test(s)) return false
  let sum = 0
  for (let i = 0; i < 8; i++) sum += (s.charCodeAt(i) - 48) * (9 - i)
  sum -= s.charCodeAt(8) - 48
  return sum % 11 === 0
}

/** Polish PESEL (11 digits): weights 1,3,7,9 repeating; also checks the encoded month is a real month. */
export function plPeselValid(pesel: string): boolean {
  if (!/^\d{11}$/.test(pesel)) return false
  const month = Number(pesel.slice(2, 4)) % 20
  if (month < 1 || month > 12) return false
  const w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]
  let sum = 0
  for (let i = 0; i < 10; i++) sum += (pesel.charCodeAt(i) - 48) * (w[i] as number)
  return (10 - (sum % 10)) % 10 === pesel.charCodeAt(10) - 48
}

/**
 * Plausible payment card prefix (IIN). Luhn passes one random digit string in ten; requiring a real issuer prefix
 * removes most of the rest (order numbers, long IDs starting with 0, 7, 8, 9).
 */
export function cardPrefixPlausible(digits: string): boolean {
  const p2 = Number(digits.slice(0, 2))
  const p4 = Number(digits.slice(0, 4))
  switch (digits[0]) {
    case '1': return digits.startsWith('1800')
    case '2': return p4 === 2131 || (p4 >= 2200 && p4 <= 2204) || (p4 >= 2221 && p4 <= 2720)
    case '3': return p2 === 30 || (p2 >= 34 && p2 <= 39)
    case '4': return true
    case '5': return true
    case '6': return true
    default: return false
  }
}
