const NON_ASCII = /[\u0080-\uffff]/
// Any character or run that a step of normalizeText would change: line separators and controls, whitespace other
// than single spaces and newlines, a space next to a newline, three newlines, leading or trailing whitespace.
// eslint-disable-next-line no-control-regex -- matching control characters is the purpose of this expression
const NEEDS_WORK = /[\r\f\v\u2028\u2029\u0085\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f]|[^\S\n ]| {2}| \n|\n |\n{3}|^\s|\s$/

/**
 * Canonical text form shared by every parser: NFC, LF line ends, no control characters other than tab and newline,
 * whitespace runs inside a line collapsed to one space, at most one blank line between paragraphs.
 *
 * Invisible format characters (zero-width spaces, bidi controls, Unicode tag characters) are deliberately kept: they
 * are evidence the scanner looks for, and removing them here would hide it.
 */
export function normalizeText(text: string): string {
  // Ingest normalizes the same text several times (parser, chunker, each chunk): text that is already in canonical
  // form comes back after one scan instead of six allocating passes. Exact: when none of the patterns below
  // matches, every step of the full path returns its input unchanged.
  const nfc = NON_ASCII.test(text) ? text.normalize('NFC') : text
  if (!NEEDS_WORK.test(nfc)) return nfc
  return nfc
    .replace(/\r\n?|[\f\v\u2028\u2029\u0085]/g, '\n')
    // C0/C1 controls other than tab and newline carry no text; a NUL can truncate strings in downstream tools.
    // eslint-disable-next-line no-control-regex -- matching control characters is the purpose of this expression
    .replace(/[\u0000-\u0008\u000e-\u001f\u007f-\u0084\u0086-\u009f]/g, '')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}
