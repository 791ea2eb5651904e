import { useId, useState } from 'preact/hooks'

export interface AuditFilterValues {
  from: string
  to: string
  type: string
  limit: number
}

/** datetime-local gives local wall time without a zone; the API takes ISO 8601 instants. */
export function toIso(local: string): string | undefined {
  if (local === '') return undefined
  const d = new Date(local)
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString()
}

const EVENT_TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/

/** The server refuses these with 400; saying so next to the form is friendlier than an error notice. */
export function filterProblem(v: AuditFilterValues): string | undefined {
  const type = v.type.trim()
  if (type !== '' && !EVENT_TYPE.test(type)) return 'An event type looks like auth.login or document.delete.'
  const from = toIso(v.from)
  const to = toIso(v.to)
  if (from && to && from >= to) return '“To” must be later than “From”.'
  return undefined
}

export function AuditFilters({ initial, onApply }: { initial: AuditFilterValues; onApply: (v: AuditFilterValues) => void }) {
  const [v, setV] = useState(initial)
  const [problem, setProblem] = useState<string | undefined>()
  const ids = { from: useId(), to: useId(), type: useId(), limit: useId() }
  return (
    <form class="filters" aria-label="Audit filters" onSubmit={(e) => {
      e.preventDefault()
      const p = filterProblem(v)
      setProblem(p)
      if (!p) onApply(v)
    }}>
      <div class="field">
        <label for={ids.from}>From</label>
        <input id={ids.from} type="datetime-local" value={v.from} onInput={(e) => setV({ ...v, from: e.currentTarget.value })} />
      </div>
      <div class="field">
        <label for={ids.to}>To</label>
        <input id={ids.to} type="datetime-local" value={v.to} onInput={(e) => setV({ ...v, to: e.currentTarget.value })} />
      </div>
      <div class="field">
        <label for={ids.type}>Event type</label>
        <input id={ids.type} type="text" placeholder="e.g. auth.login" maxLength={100} value={v.type} onInput={(e) => setV({ ...v, type: e.currentTarget.value })} />
      </div>
      <div class="field">
        <label for={ids.limit}>Per page</label>
        <select id={ids.limit} value={String(v.limit)} onChange={(e) => setV({ ...v, limit: Number(e.currentTarget.value) })}>
          {[25, 50, 100, 200].map((n) => <option key={n} value={String(n)}>{n}</option>)}
        </select>
      </div>
      <div class="field field-button">
        <button type="submit">Apply</button>
      </div>
      {problem ? <p class="error-text filters-error" role="alert">{problem}</p> : null}
    </form>
  )
}
