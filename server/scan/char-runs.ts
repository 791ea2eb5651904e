/** An ASCII character class as a lookup table (code unit -> member), for hasRun. */
export type CharClass = Uint8Array

function charClass(chars: string): CharClass {
  const table = new Uint8Array(128)
  for (const range of chars.match(/.-.|./g) ?? []) {
    const from = range.charCodeAt(0)
    const to = range.length === 3 ? range.charCodeAt(2) : from
    for (let c = from; c <= to; c++) table[c] = 1
  }
  return table
}

/** [A-Za-z0-9+/] */
export const BASE64_CHARS = charClass('A-Za-z0-9+/')
/** [A-Za-z0-9/+=] */
export const BASE64_OR_PAD_CHARS = charClass('A-Za-z0-9+/=')
/** [A-Z0-9] */
export const UPPER_OR_DIGIT_CHARS = charClass('A-Z0-9')

/**
 * Whether `text` holds `length` consecutive characters of an ASCII class, as a plain loop. The equivalent regex
 * (`/[A-Za-z0-9+/]{24}/`) restarts at every position and re-reads the run, which costs more than the patterns it
 * is meant to let us skip.
 */
export function hasRun(text: string, length: number, cls: CharClass): boolean {
  let run = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 128 || cls[c] === 0) run = 0
    else if (++run >= length) return true
  }
  return false
}
