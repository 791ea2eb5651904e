import type { AuditEvent } from '../../api/types.ts'
import { formatDate } from '../../format.ts'

function outcomeClass(outcome: string): string {
  if (/^(success|ok|allowed|allow)$/i.test(outcome)) return 'chip chip-ok'
  if (/(fail|denied|deny|error|blocked|refused)/i.test(outcome)) return 'chip chip-quarantine'
  return 'chip'
}

/** Audit events as text; the data column is JSON in a disclosure, never interpreted. */
export function AuditTable({ events }: { events: AuditEvent[] }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label="Audit events">
      <table class="table audit-table">
        <thead>
          <tr><th scope="col">Seq</th><th scope="col">Time</th><th scope="col">Type</th><th scope="col">Actor</th><th scope="col">Outcome</th><th scope="col">Data</th></tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={String(e.seq)}>
              <td class="numeric">{String(e.seq)}</td>
              <td class="small-text"><time dateTime={e.occurredAt}>{formatDate(e.occurredAt)}</time></td>
              <td><code>{e.type}</code></td>
              <td>{e.actor ?? '—'}</td>
              <td><span class={outcomeClass(e.outcome)}>{e.outcome}</span></td>
              <td>
                {e.data === null || e.data === undefined ? '—' : (
                  <details class="audit-data">
                    <summary>Show</summary>
                    <pre class="json">{JSON.stringify(e.data, null, 2)}</pre>
                  </details>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
