import { useEffect, useId, useState } from 'preact/hooks'
import { getRetention, putRetention } from '../../api/admin.ts'
import type { Classification, RetentionRule } from '../../api/types.ts'
import { ClassificationBadge } from '../../components/classification-badge.tsx'
import { ErrorNotice } from '../../components/error-notice.tsx'
import { Loading, Notice } from '../../components/notice.tsx'
import { useApi } from '../../use-api.ts'

/** As the server's schema (server/retention/retention.schema.ts): whole days, 1 to 100 years. */
const MIN_DAYS = 1
const MAX_DAYS = 36500

type Draft = Partial<Record<Classification, string>>

function validDays(value: string): number | undefined {
  if (!/^\d+$/.test(value.trim())) return undefined
  const n = Number(value)
  return n >= MIN_DAYS && n <= MAX_DAYS ? n : undefined
}

/**
 * How long conversations of each classification are kept after their last message, before the purge job deletes
 * them. Only changed rows are sent, so a classification still on the configured default stays on it.
 */
export function RetentionPanel({ id, onError }: { id: string; onError: (err: unknown) => void }) {
  const rules = useApi(getRetention, [])
  const [draft, setDraft] = useState<Draft>({})
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const [saved, setSaved] = useState(false)
  const baseId = useId()
  useEffect(() => {
    if (rules.state === 'error') onError(rules.error)
  }, [rules.state])

  if (rules.state !== 'ready') {
    return (
      <section class="card" id={id} aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>Retention</h2>
        {rules.state === 'error' ? <ErrorNotice error={rules.error} onRetry={rules.reload} /> : <Loading label="Loading retention rules" />}
      </section>
    )
  }
  const current = rules.data
  const changes = current
    .filter((r) => draft[r.classification] !== undefined && draft[r.classification] !== String(r.retainDays))
    .map((r) => ({ classification: r.classification, value: draft[r.classification] as string }))
  const invalid = changes.filter((c) => validDays(c.value) === undefined)

  const save = async () => {
    if (invalid.length > 0 || changes.length === 0) return
    setBusy(true)
    setError(undefined)
    setSaved(false)
    try {
      // The answer is the tenant's rules after the write: shown at once, in the same render that clears the draft.
      const updated = await putRetention(changes.map((c) => ({ classification: c.classification, retainDays: validDays(c.value) as number })))
      rules.replace(updated)
      setDraft({})
      setSaved(true)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="card" id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Retention</h2>
      <p class="muted">Conversations are deleted this many days after their last message, unless a legal hold covers them.</p>
      <form onSubmit={(e) => { e.preventDefault(); void save() }}>
        <div class="table-wrap">
          <table class="table table-middle">
            <thead>
              <tr><th scope="col">Classification</th><th scope="col">Keep for (days)</th><th scope="col">Source</th></tr>
            </thead>
            <tbody>
              {current.map((r: RetentionRule) => {
                const inputId = `${baseId}-${r.classification}`
                const value = draft[r.classification] ?? String(r.retainDays)
                const bad = validDays(value) === undefined
                return (
                  <tr key={r.classification}>
                    <td><label for={inputId}><ClassificationBadge value={r.classification} /><span class="visually-hidden"> retention in days</span></label></td>
                    <td>
                      <input
                        id={inputId} class="days-input" type="number" inputMode="numeric" min={MIN_DAYS} max={MAX_DAYS} step={1} required value={value}
                        aria-invalid={bad ? 'true' : undefined}
                        onInput={(e) => setDraft({ ...draft, [r.classification]: e.currentTarget.value })}
                      />
                    </td>
                    <td class="small-text">{r.source === 'tenant' ? 'Set for this tenant' : <span class="muted">Server default</span>}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
        {invalid.length > 0 ? <p class="error-text" role="alert">Enter whole days from {MIN_DAYS} to {MAX_DAYS}.</p> : null}
        <div class="form-actions">
          <button type="button" class="secondary" disabled={busy || changes.length === 0} onClick={() => setDraft({})}>Reset</button>
          <button type="submit" disabled={busy || changes.length === 0 || invalid.length > 0}>{busy ? 'Saving…' : 'Save retention'}</button>
        </div>
      </form>
      {error ? <ErrorNotice error={error} /> : null}
      {saved ? <Notice tone="success"><p>Retention rules saved.</p></Notice> : null}
    </section>
  )
}
