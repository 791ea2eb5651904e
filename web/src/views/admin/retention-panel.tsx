import { useEffect, useId, useState } from 'preact/hooks'
import { getJson, putJson } from '../../api/admin.ts'
import { ENDPOINTS } from '../../api/endpoints.ts'
import { ErrorNotice } from '../../components/error-notice.tsx'
import { Loading, Notice } from '../../components/notice.tsx'
import { useApi } from '../../use-api.ts'
import { humanize } from './json-summary.tsx'

type Settings = Record<string, unknown>

/**
 * Retention settings. The server owns the shape: every numeric top-level field becomes an input and the object
 * is sent back whole with PUT, so new settings appear here without a UI change. Hidden when the route is absent.
 */
export function RetentionPanel() {
  const data = useApi(() => getJson(ENDPOINTS.adminRetention) as Promise<Settings>, [])
  const [draft, setDraft] = useState<Settings>({})
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const [saved, setSaved] = useState(false)
  const baseId = useId()
  useEffect(() => {
    if (data.state === 'ready') setDraft(data.data)
  }, [data.state])
  if (data.state === 'unavailable') return null
  const numeric = Object.entries(draft).filter(([, v]) => typeof v === 'number')
  const save = async () => {
    setBusy(true)
    setError(undefined)
    setSaved(false)
    try {
      setDraft((await putJson(ENDPOINTS.adminRetention, draft)) as Settings ?? draft)
      setSaved(true)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <section class="card" aria-labelledby={`${baseId}-title`}>
      <h2 id={`${baseId}-title`}>Retention</h2>
      {data.state === 'loading' ? <Loading /> : null}
      {data.state === 'error' ? <ErrorNotice error={data.error} onRetry={data.reload} /> : null}
      {data.state === 'ready' ? (
        <form class="form-grid" onSubmit={(e) => { e.preventDefault(); void save() }}>
          {numeric.length === 0 ? <p class="muted span-2">No adjustable settings.</p> : null}
          {numeric.map(([key, value]) => (
            <div class="field" key={key}>
              <label for={`${baseId}-${key}`}>{humanize(key)}</label>
              <input
                id={`${baseId}-${key}`} type="number" min={0} step={1} value={String(value)}
                onInput={(e) => setDraft({ ...draft, [key]: Number(e.currentTarget.value) })}
              />
            </div>
          ))}
          <div class="form-actions span-2">
            <button type="submit" disabled={busy || numeric.length === 0}>{busy ? 'Saving…' : 'Save retention'}</button>
          </div>
        </form>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
      {saved ? <Notice tone="success"><p>Retention settings saved.</p></Notice> : null}
    </section>
  )
}
