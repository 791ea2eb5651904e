import type { AuditEvent } from '../../api/types.ts'
import { formatDate } from '../../format.ts'

function outcomeClass(outcome: string): string {
  if (outcome === 'success') return 'chip chip-ok'
  if (outcome === 'denied' || outcome === 'failure') return 'chip chip-quarantine'
  return 'chip'
}

function value(v: unknown): string {
  return v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v)
}

/** Audit events as text; the recorded fields (ids, codes, counts) are listed, never interpreted as markup. */
export function AuditTable({ events }: { events: AuditEvent[] }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label="Audit events">
      <table class="table audit-table stack-on-phone">
        <thead>
          <tr><th scope="col" class="numeric">Seq</th><th scope="col">Time</th><th scope="col">Type</th><th scope="col">Actor</th><th scope="col">Outcome</th><th scope="col">Fields</th></tr>
        </thead>
        <tbody>
          {events.map((e) => {
            const fields = Object.entries(e.fields ?? {})
            return (
              <tr key={String(e.seq)}>
                <td class="numeric" data-label="Seq">{String(e.seq)}</td>
                <td class="small-text nowrap" data-label="Time"><time dateTime={e.time}>{formatDate(e.time)}</time></td>
                <td data-label="Type"><code>{e.type}</code></td>
                <td class="wrap-anywhere" data-label="Actor">{e.actor ?? '—'}</td>
                <td data-label="Outcome"><span class={outcomeClass(e.outcome)}>{e.outcome}</span></td>
                <td data-label="Fields">
                  {fields.length === 0 ? <span class="muted">—</span> : (
                    <dl class="fields">
                      {fields.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{value(v)}</dd></div>)}
                    </dl>
                  )}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
