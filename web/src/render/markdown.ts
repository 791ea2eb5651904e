import DOMPurify, { type Config } from 'dompurify'
import { Marked } from 'marked'

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
}

/*
 * Model output is untrusted: a planted instruction in a retrieved document can make the model emit HTML. Three
 * layers keep it inert: marked renders raw HTML and images as escaped text; DOMPurify then keeps only an allow-list
 * of formatting tags with no attributes except a link's href; last, links are kept only when they point to this
 * origin (then opened in a new tab without opener or referrer) and every other link becomes its plain text. The
 * result is a DocumentFragment, so no HTML string produced from model text is ever assigned to innerHTML.
 */
const markdown = new Marked({
  async: false,
  gfm: true,
  // Answers put one point per line (the extractive provider quotes one sentence per line): keep those breaks.
  breaks: true,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    image: ({ text }) => escapeHtml(text),
  },
})

const ALLOWED_TAGS = [
  'p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'hr',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
]

const PURIFY_CONFIG: Config & { RETURN_DOM_FRAGMENT: true } = {
  ALLOWED_TAGS,
  ALLOWED_ATTR: ['href'],
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  // Absolute http(s) URLs and same-document paths only; the origin check below narrows this further.
  ALLOWED_URI_REGEXP: /^(?:https?:\/\/|\/(?!\/)|#)/i,
  KEEP_CONTENT: true,
  RETURN_DOM_FRAGMENT: true,
}

/** Where a link in model output may point. Same origin only: no exfiltration through a clicked URL. */
export function isAllowedLink(href: string, origin: string): boolean {
  try {
    const url = new URL(href, origin)
    return url.origin === origin && (url.protocol === 'https:' || url.protocol === 'http:')
  } catch {
    return false
  }
}

function restrictLinks(root: DocumentFragment, origin: string): void {
  for (const a of Array.from(root.querySelectorAll('a'))) {
    const href = a.getAttribute('href')
    if (href !== null && isAllowedLink(href, origin)) {
      a.setAttribute('target', '_blank')
      a.setAttribute('rel', 'noopener noreferrer')
    } else {
      a.replaceWith(document.createTextNode(a.textContent ?? ''))
    }
  }
}

/** Renders untrusted Markdown (model answers) to a sanitized fragment ready to append. */
export function renderMarkdown(source: string, origin: string = window.location.origin): DocumentFragment {
  const html = markdown.parse(source, { async: false })
  const fragment = DOMPurify.sanitize(html, PURIFY_CONFIG)
  restrictLinks(fragment, origin)
  return fragment
}
