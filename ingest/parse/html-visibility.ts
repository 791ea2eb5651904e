/**
 * Decides whether an HTML element is hidden from a human reader by its own attributes or inline style. Hidden text is
 * a common carrier for instructions planted for the model ("ignore previous instructions..."), so the HTML parser
 * drops such elements with everything inside them and counts them for the scanner.
 *
 * Only what the element itself declares is evaluated: rules in <style> sheets or external CSS (a class that sets
 * display:none), white-on-white colours and elements covered by others are not resolved here.
 */
export function isHiddenElement(name: string, attribs: Record<string, string>): boolean {
  if ('hidden' in attribs) return true
  if (attribs['aria-hidden']?.trim().toLowerCase() === 'true') return true
  if (name === 'input' && attribs.type?.trim().toLowerCase() === 'hidden') return true
  // A dialog is not rendered until it is opened.
  if (name === 'dialog' && !('open' in attribs)) return true
  const style = attribs.style
  return style !== undefined && isHiddenByStyle(parseStyle(style))
}

function isHiddenByStyle(decl: Map<string, string>): boolean {
  if (decl.get('display') === 'none') return true
  const visibility = decl.get('visibility')
  if (visibility === 'hidden' || visibility === 'collapse') return true
  if (isZero(decl.get('font-size')) || isZero(decl.get('opacity'))) return true
  if (decl.get('color') === 'transparent') return true
  // Collapsed boxes that clip their content.
  const clips = decl.get('overflow') === 'hidden'
  if (clips && (isZero(decl.get('height')) || isZero(decl.get('width')) || isZero(decl.get('max-height')))) return true
  // Text pushed far off screen.
  const offscreen = ['left', 'top', 'right', 'text-indent', 'margin-left', 'margin-top']
  return offscreen.some((p) => isFarNegative(decl.get(p)))
}

/** Inline style declarations, lower-cased, comments and !important removed; the last declaration wins as in CSS. */
function parseStyle(style: string): Map<string, string> {
  const decl = new Map<string, string>()
  for (const part of stripComments(style).split(';')) {
    const colon = part.indexOf(':')
    if (colon < 0) continue
    const prop = part.slice(0, colon).trim().toLowerCase()
    const value = part.slice(colon + 1).replace(/!\s*important/i, '').trim().toLowerCase()
    if (prop && value) decl.set(prop, value)
  }
  return decl
}

/** indexOf rather than a lazy regex, which is quadratic on many unterminated comment openers. */
function stripComments(style: string): string {
  let out = ''
  let at = 0
  for (let open = style.indexOf('/*'); open >= 0; open = style.indexOf('/*', at)) {
    out += style.slice(at, open)
    const close = style.indexOf('*/', open + 2)
    if (close < 0) return out
    at = close + 2
  }
  return out + style.slice(at)
}

function isZero(value: string | undefined): boolean {
  return value !== undefined && /^[+-]?(?:0+(?:\.0*)?|\.0+)(?:[a-z]+|%)?$/.test(value)
}

function isFarNegative(value: string | undefined): boolean {
  if (value === undefined || !/^-\d/.test(value)) return false
  return Number.parseFloat(value) <= -999
}
