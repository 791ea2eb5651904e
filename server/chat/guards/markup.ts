/** What markup removal found, by audit type. */
export interface MarkupCounts {
  script: number
  html: number
  image: number
  link: number
}

export const LINK_REMOVED = '[link removed]'

const ACTIVE_BLOCK = /<(script|style|iframe|object|embed|svg|math|template|noscript|form)\b[\s\S]*?(?:<\/\1\s*>|$)/gi
const COMMENT = /<!--[\s\S]*?(?:-->|$)/g
const AUTOLINK = /<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*)>/g
const TAG = /<\/?[A-Za-z][A-Za-z0-9:-]*(?:[\s/][^<>]*)?>|<[A-Za-z][A-Za-z0-9:-]*[\s/][^<>]*$/g
const TITLE = String.raw`(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?`
const IMAGE = new RegExp(String.raw`!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?${TITLE}\s*\)`, 'g')
const LINK = new RegExp(String.raw`\[([^\]]*)\]\(\s*<?([^)\s>]*)>?${TITLE}\s*\)`, 'g')
const DEFINITION = /^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]+)>?.*$/gm
const BARE_URL = /\b(?:(?:https?|ftp|wss?):\/\/|www\.)[^\s<>()[\]"'`]+/gi

/**
 * True only for http(s) URLs whose host is on the allow-list (`host` exactly, or `*.domain` for its subdomains and
 * itself). Relative, protocol-relative and other schemes (javascript:, data:, mailto:) are never allowed: an answer
 * has no reason to carry them and each can carry data out or run code.
 */
export function urlAllowed(raw: string, allow: readonly string[]): boolean {
  const candidate = /^www\./i.test(raw) ? `https://${raw}` : raw
  if (!URL.canParse(candidate)) return false
  const url = new URL(candidate)
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false
  const host = url.hostname.toLowerCase()
  return allow.some((a) => (a.startsWith('*.') ? host === a.slice(2) || host.endsWith(a.slice(1)) : host === a))
}

/**
 * Removes what could run code or carry data out when the answer is rendered, assuming the model was told by an
 * attacker to produce it: script-like elements with their content, every other HTML tag and comment, Markdown
 * images and links (inline, reference definitions, autolinks) and bare URLs whose host is not allow-listed. A
 * removed link keeps its visible text; a removed bare URL becomes "[link removed]"; a removed image disappears.
 */
export function removeUnsafeMarkup(text: string, allow: readonly string[]): { text: string; counts: MarkupCounts } {
  const counts: MarkupCounts = { script: 0, html: 0, image: 0, link: 0 }
  let t = text.replace(ACTIVE_BLOCK, () => (counts.script++, ''))
  t = t.replace(COMMENT, () => (counts.html++, ''))
  // An allowed autolink loses its angle brackets, which the tag pass below would otherwise strip with it.
  t = t.replace(AUTOLINK, (_whole, url: string) => (urlAllowed(url, allow) ? url : (counts.link++, LINK_REMOVED)))
  t = t.replace(TAG, () => (counts.html++, ''))
  t = t.replace(IMAGE, (whole, _alt: string, url: string) => (urlAllowed(url, allow) ? whole : (counts.image++, '')))
  t = t.replace(DEFINITION, (whole, url: string) => (urlAllowed(url, allow) ? whole : (counts.link++, '')))
  t = t.replace(LINK, (whole, label: string, url: string) => (urlAllowed(url, allow) ? whole : (counts.link++, label)))
  t = t.replace(BARE_URL, (url: string) => (urlAllowed(url, allow) ? url : (counts.link++, LINK_REMOVED)))
  return { text: t, counts }
}
