import { useLayoutEffect, useRef } from 'preact/hooks'
import { linkCitationMarkers, type CitationLinks } from './citation-markers.ts'
import { renderMarkdown } from './markdown.ts'

/**
 * Shows untrusted Markdown; the DOM comes only from renderMarkdown's sanitized fragment (never innerHTML). With
 * `citations`, the answer's [k] markers become buttons that open source k.
 */
export function SafeMarkdown({ text, class: className, citations }: { text: string; class?: string; citations?: CitationLinks }) {
  const ref = useRef<HTMLDivElement>(null)
  // The latest handler, so a re-render with a new callback does not rebuild the DOM.
  const open = useRef(citations?.open)
  open.current = citations?.open
  const titles = citations?.titles ?? []
  const titlesKey = JSON.stringify(titles)
  useLayoutEffect(() => {
    const fragment = renderMarkdown(text)
    linkCitationMarkers(fragment, { titles, open: (i) => open.current?.(i) })
    ref.current?.replaceChildren(fragment)
  }, [text, titlesKey])
  return <div ref={ref} class={className ? `markdown ${className}` : 'markdown'} />
}
