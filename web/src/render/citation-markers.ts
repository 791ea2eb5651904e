/** A citation marker as the server's output guard writes it: `[2]` or `[1, 3]`, numbered in the sources' order. */
const MARKER = /\[(\d{1,3}(?:, \d{1,3})*)\]/g

/** The sources of one answer: marker `[k]` refers to `titles[k - 1]`, and `open(k - 1)` shows that passage. */
export interface CitationLinks {
  titles: readonly string[]
  open: (index: number) => void
}

function markerGroup(numbers: number[], links: CitationLinks): HTMLElement {
  const group = document.createElement('span')
  group.className = 'citation-refs'
  group.append('[')
  numbers.forEach((n, i) => {
    if (i > 0) group.append(', ')
    const button = document.createElement('button')
    button.type = 'button'
    button.className = 'citation-ref'
    button.textContent = String(n)
    // Attributes and text nodes only: a document title never becomes markup.
    button.setAttribute('aria-label', `Source ${n}: ${links.titles[n - 1] ?? ''}`)
    button.title = links.titles[n - 1] ?? ''
    button.addEventListener('click', () => links.open(n - 1))
    group.append(button)
  })
  group.append(']')
  return group
}

function linkText(node: Text, links: CitationLinks): void {
  const text = node.data
  const parts: Array<Node | string> = []
  let last = 0
  for (const m of text.matchAll(MARKER)) {
    const numbers = (m[1] as string).split(', ').map(Number)
    // A number beyond the sources (an old answer, a quoted "[3]") stays plain text rather than point at nothing.
    if (!numbers.every((n) => n >= 1 && n <= links.titles.length)) continue
    parts.push(text.slice(last, m.index), markerGroup(numbers, links))
    last = m.index + m[0].length
  }
  if (parts.length === 0) return
  parts.push(text.slice(last))
  node.replaceWith(...parts)
}

/**
 * Turns the citation markers in a rendered (already sanitized) answer into buttons that open the cited passage.
 * Only text nodes are read and only new elements are made, so nothing from the answer is parsed as HTML; markers
 * inside code, preformatted text and links are left alone.
 */
export function linkCitationMarkers(root: DocumentFragment, links: CitationLinks): void {
  if (links.titles.length === 0) return
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
  const nodes: Text[] = []
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.parentElement?.closest('a, code, pre')) nodes.push(n as Text)
  }
  for (const node of nodes) linkText(node, links)
}
