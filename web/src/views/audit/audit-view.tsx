import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { listAudit } from '../../api/admin.ts'
import { ENDPOINTS } from '../../api/endpoints.ts'
import { isRouteMissing } from '../../api/errors.ts'
import type { AuditEvent } from '../../api/types.ts'
import { ErrorNotice } from '../../components/error-notice.tsx'
import { Loading } from '../../components/notice.tsx'
import { Unavailable } from '../../components/unavailable.tsx'
import { OptionalPanel } from '../admin/optional-panel.tsx'
import { AuditFilters, toIso, type AuditFilterValues } from './audit-filters.tsx'
import { AuditTable } from './audit-table.tsx'

interface Page {
  events: AuditEvent[]
  nextCursor: string | null
  loading: boolean
  error: unknown
}

const INITIAL: AuditFilterValues = { from: '', to: '', type: '', limit: 50 }

/** The auditor's view of the append-only log: filter, page forward with the cursor, and the chain status. */
export function AuditView() {
  const [filters, setFilters] = useState(INITIAL)
  const [page, setPage] = useState<Page>({ events: [], nextCursor: null, loading: true, error: undefined })
  const generation = useRef(0)

  const load = useCallback(async (cursor: string | undefined) => {
    const mine = ++generation.current
    setPage((p) => ({ ...p, loading: true, error: undefined, ...(cursor ? {} : { events: [], nextCursor: null }) }))
    try {
      const from = toIso(filters.from)
      const to = toIso(filters.to)
      const res = await listAudit({
        limit: filters.limit, ...(from ? { from } : {}), ...(to ? { to } : {}),
        ...(filters.type.trim() ? { type: filters.type.trim() } : {}), ...(cursor ? { cursor } : {}),
      })
      if (mine !== generation.current) return
      setPage((p) => ({ events: cursor ? [...p.events, ...res.events] : res.events, nextCursor: res.nextCursor, loading: false, error: undefined }))
    } catch (error) {
      if (mine === generation.current) setPage((p) => ({ ...p, loading: false, error }))
    }
  }, [filters])

  useEffect(() => void load(undefined), [load])

  if (isRouteMissing(page.error)) return <Unavailable feature="The audit log" />
  return (
    <section class="page" aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <OptionalPanel title="Hash chain" path={ENDPOINTS.auditChain} />
      <section class="card" aria-label="Events">
        <AuditFilters initial={filters} onApply={setFilters} />
        {page.error ? <ErrorNotice error={page.error} onRetry={() => void load(undefined)} /> : null}
        {!page.loading && !page.error && page.events.length === 0 ? <p class="muted">No events match these filters.</p> : null}
        {page.events.length > 0 ? <AuditTable events={page.events} /> : null}
        {page.loading ? <Loading label="Loading events" /> : null}
        {page.nextCursor && !page.loading ? (
          <div class="pager">
            <button type="button" class="secondary" onClick={() => void load(page.nextCursor ?? undefined)}>Load more</button>
          </div>
        ) : null}
      </section>
    </section>
  )
}
