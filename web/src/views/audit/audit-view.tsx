import { useState } from 'preact/hooks'
import { auditExportUrl, listAudit, type AuditFilter } from '../../api/admin.ts'
import { CursorPager, useCursorPages } from '../../components/cursor-pager.tsx'
import { ErrorNotice } from '../../components/error-notice.tsx'
import { Loading } from '../../components/notice.tsx'
import { useApi } from '../../use-api.ts'
import { AuditFilters, toIso, type AuditFilterValues } from './audit-filters.tsx'
import { AuditTable } from './audit-table.tsx'
import { ChainStatus } from './chain-status.tsx'

const INITIAL: AuditFilterValues = { from: '', to: '', type: '', limit: 50 }

function apiFilter(v: AuditFilterValues): AuditFilter {
  const from = toIso(v.from)
  const to = toIso(v.to)
  const type = v.type.trim()
  return { ...(from ? { from } : {}), ...(to ? { to } : {}), ...(type ? { type } : {}) }
}

/**
 * The auditor's view of the append-only log of their tenant: the chain verification, events newest first with
 * filters and cursor paging, and the NDJSON export of exactly what the filters select. Events carry ids, codes
 * and counts, never content; they are shown as text.
 */
export function AuditView() {
  const [filters, setFilters] = useState(INITIAL)
  const pages = useCursorPages()
  const filter = apiFilter(filters)
  const events = useApi(
    () => listAudit({ ...filter, limit: filters.limit, ...(pages.cursor ? { cursor: pages.cursor } : {}) }),
    [filter.from, filter.to, filter.type, filters.limit, pages.cursor],
  )
  return (
    <section class="page" aria-labelledby="audit-title">
      <div class="page-head">
        <h1 id="audit-title">Audit log</h1>
        <p class="muted">Who did what, when, and with which outcome. Events hold identifiers and counts only, never prompts, answers or document text.</p>
      </div>
      <ChainStatus />
      <section class="card" aria-labelledby="audit-events-title">
        <div class="section-bar">
          <h2 id="audit-events-title">Events</h2>
          <a class="button secondary small" href={auditExportUrl(filter)} download>Export NDJSON</a>
        </div>
        <AuditFilters
          initial={filters}
          // Back to the first page: a cursor belongs to the query that produced it.
          onApply={(v) => { pages.reset(); setFilters(v) }}
        />
        {events.state === 'error' ? <ErrorNotice error={events.error} onRetry={events.reload} /> : null}
        {events.state === 'loading' ? <Loading label="Loading events" /> : null}
        {events.state === 'ready' && events.data.events.length === 0 ? <p class="muted">No events match these filters.</p> : null}
        {events.state === 'ready' && events.data.events.length > 0 ? <AuditTable events={events.data.events} /> : null}
        {events.state === 'ready' ? (
          <CursorPager
            page={pages.page} count={events.data.events.length} label={events.data.events.length === 1 ? 'event' : 'events'}
            nextCursor={events.data.nextCursor} onNext={pages.next} onPrevious={pages.previous}
          />
        ) : null}
      </section>
    </section>
  )
}
