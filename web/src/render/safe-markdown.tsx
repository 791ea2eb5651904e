import { useLayoutEffect, useRef } from 'preact/hooks'
import { renderMarkdown } from './markdown.ts'

/** Shows untrusted Markdown; the DOM comes only from renderMarkdown's sanitized fragment (never innerHTML). */
export function SafeMarkdown({ text, class: className }: { text: string; class?: string }) {
  const ref = useRef<HTMLDivElement>(null)
  useLayoutEffect(() => {
    ref.current?.replaceChildren(renderMarkdown(text))
  }, [text])
  return <div ref={ref} class={className ? `markdown ${className}` : 'markdown'} />
}
