import type { ComponentChildren } from 'preact'
import { useEffect, useState } from 'preact/hooks'

/** Client-side paths; the server answers index.html for each of them (server/web/static.routes.ts). */
export const PATHS = {
  chat: '/',
  conversation: (id: string) => `/chat/${encodeURIComponent(id)}`,
  search: '/search',
  myData: '/my-data',
  admin: '/admin',
  audit: '/audit',
} as const

const listeners = new Set<() => void>()

export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) history.replaceState(null, '', path)
  else history.pushState(null, '', path)
  for (const l of listeners) l()
}

export function currentPath(): string {
  return `${location.pathname}${location.search}`
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname)
  useEffect(() => {
    const update = () => setPath(location.pathname)
    listeners.add(update)
    addEventListener('popstate', update)
    return () => {
      listeners.delete(update)
      removeEventListener('popstate', update)
    }
  }, [])
  return path
}

/** An ordinary link (works with middle-click and keyboard) that navigates in place on a plain click. */
export function Link(props: { href: string; class?: string; current?: boolean; children: ComponentChildren }) {
  const onClick = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    e.preventDefault()
    navigate(props.href)
  }
  return (
    <a href={props.href} class={props.class} aria-current={props.current ? 'page' : undefined} onClick={onClick}>
      {props.children}
    </a>
  )
}

export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to])
  return null
}
