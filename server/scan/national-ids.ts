import { esIdValid, frNirValid, itFiscalCodeValid, nlBsnValid, plPeselValid } from './checksums.ts'
import { collect, type Finding } from './finding.ts'

/**
 * National identifiers. Formats with a check digit are accepted on the check alone; formats that are just N digits
 * (US SSN without dashes, BSN, PESEL) additionally need their name nearby, because a bare 9- or 11-digit number
 * is far more often something else.
 */

const span = (type: string, m: RegExpExecArray, group = 0): Finding => {
  const value = m[group] as string
  const start = m.index + (group === 0 ? 0 : m[0].indexOf(value))
  return { type, start, end: start + value.length }
}

/** SSA rules: area 000, 666 and 900-999 never issued; group 00 and serial 0000 never issued; known ad samples. */
function ssnValid(area: string, group: string, serial: string): boolean {
  if (area === '000' || area === '666' || area[0] === '9') return false
  if (group === '00' || serial === '0000') return false
  const joined = area + group + serial
  return joined !== '078051120' && joined !== '219099999' && joined !== '123456789'
}

const SSN_FORMATTED = /(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-]|\.\d)/g
const SSN_CONTEXT = /\b(?:ssn|social security(?: number| no\.?| #)?)\b[^\d\n]{0,20}(\d{9})\b/gi
const ITIN = /(?<![\w-])9\d{2}-(?:5\d|6[0-5]|7\d|8[0-8]|9[0-2]|9[4-9])-\d{4}(?![\w-])/g
const UK_NINO = /\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g
const ES_ID = /\b(?:[XYZ][- ]?\d{7}|\d{8})[- ]?[A-Za-z]\b/g
const IT_CF = /\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPR-T][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b/g
const FR_NIR = /\b[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}\b/g
const NL_BSN = /\b(?:bsn|burgerservicenummer)\b[^\d\n]{0,20}(\d{9}|\d{4}\.\d{2}\.\d{3})\b/gi
const PL_PESEL = /\bpesel\b[^\d\n]{0,20}(\d{11})\b/gi

/**
 * `hasDigit` (whether `text` holds a digit) lets a caller that already knows skip every pattern but the codice
 * fiscale, the only one that can match without a digit (omocodia replaces digits with letters).
 */
export function findNationalIds(text: string, hasDigit = /\d/.test(text)): Finding[] {
  const cf = collect(text, IT_CF, (m) => (itFiscalCodeValid(m[0]) ? span('IT_FISCAL_CODE', m) : null))
  if (!hasDigit) return cf
  return [
    ...collect(text, SSN_FORMATTED, (m) => (ssnValid(m[1]!, m[3]!, m[4]!) ? span('US_SSN', m) : null)),
    ...collect(text, SSN_CONTEXT, (m) => {
      const d = m[1]!
      return ssnValid(d.slice(0, 3), d.slice(3, 5), d.slice(5)) ? span('US_SSN', m, 1) : null
    }),
    ...collect(text, ITIN, (m) => span('US_ITIN', m)),
    ...collect(text, UK_NINO, (m) => span('UK_NINO', m)),
    ...collect(text, ES_ID, (m) => (esIdValid(m[0]) ? span(/^[XYZ]/.test(m[0]) ? 'ES_NIE' : 'ES_DNI', m) : null)),
    ...cf,
    ...collect(text, FR_NIR, (m) => (frNirValid(m[0]) ? span('FR_NIR', m) : null)),
    ...collect(text, NL_BSN, (m) => (nlBsnValid(m[1]!) ? span('NL_BSN', m, 1) : null)),
    ...collect(text, PL_PESEL, (m) => (plPeselValid(m[1]!) ? span('PL_PESEL', m, 1) : null)),
  ]
}
