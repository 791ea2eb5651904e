import type { ComponentChildren } from 'preact'

export function Notice({ tone = 'info', title, children }: { tone?: 'info' | 'warning' | 'danger' | 'success'; title?: string; children?: ComponentChildren }) {
  return (
    <div class={`notice notice-${tone}`} role={tone === 'danger' ? 'alert' : 'status'}>
      {title ? <p class="notice-title">{title}</p> : null}
      {children}
    </div>
  )
}

export function Loading({ label = 'Loading' }: { label?: string }) {
  return <p class="loading" role="status">{label}…</p>
}
