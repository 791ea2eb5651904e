import { useEffect, useId, useState } from 'preact/hooks'
import { listDocuments } from '../../api/admin.ts'
import { CLASSIFICATIONS } from '../../api/types.ts'
import { CursorPager, useCursorPages } from '../../components/cursor-pager.tsx'
import { ErrorNotice } from '../../components/error-notice.tsx'
import { Loading } from '../../components/notice.tsx'
import { useApi } from '../../use-api.ts'
import { DocumentTable } from './document-table.tsx'
import { UploadForm } from './upload-form.tsx'

const PAGE_SIZE = 20

interface Filter {
  classification?: string
  status?: string
}

/** Upload, then the tenant's documents with their scan results, filtered and paged by the server's cursor. */
export function DocumentsPanel({ id, onLoaded, onError }: { id: string; onLoaded: () => void; onError: (err: unknown) => void }) {
  const [filter, setFilter] = useState<Filter>({})
  const pages = useCursorPages()
  const docs = useApi(
    () => listDocuments({ limit: PAGE_SIZE, ...filter, ...(pages.cursor ? { cursor: pages.cursor } : {}) }),
    [pages.cursor, filter.classification, filter.status],
  )
  useEffect(() => {
    if (docs.state === 'ready') onLoaded()
    if (docs.state === 'error') onError(docs.error)
  }, [docs.state])
  const changed = () => {
    pages.reset()
    docs.reload()
  }
  return (
    <>
      <UploadForm onUploaded={changed} />
      <section class="card" id={id} aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>Documents</h2>
        <DocumentFilters filter={filter} onChange={(f) => { pages.reset(); setFilter(f) }} />
        {docs.state === 'loading' ? <Loading label="Loading documents" /> : null}
        {docs.state === 'error' ? <ErrorNotice error={docs.error} onRetry={docs.reload} /> : null}
        {docs.state === 'ready' && docs.data.items.length === 0 ? <p class="muted">No documents match.</p> : null}
        {docs.state === 'ready' && docs.data.items.length > 0 ? <DocumentTable documents={docs.data.items} onChanged={changed} /> : null}
        {docs.state === 'ready' ? (
          <CursorPager
            page={pages.page} count={docs.data.items.length} label={docs.data.items.length === 1 ? 'document' : 'documents'}
            nextCursor={docs.data.nextCursor} onNext={pages.next} onPrevious={pages.previous}
          />
        ) : null}
      </section>
    </>
  )
}

function DocumentFilters({ filter, onChange }: { filter: Filter; onChange: (f: Filter) => void }) {
  const clsId = useId()
  const statusId = useId()
  return (
    <div class="filters">
      <div class="field">
        <label for={clsId}>Classification</label>
        <select id={clsId} value={filter.classification ?? ''} onChange={(e) => onChange({ ...filter, classification: e.currentTarget.value || undefined })}>
          <option value="">Any</option>
          {CLASSIFICATIONS.map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
      </div>
      <div class="field">
        <label for={statusId}>Status</label>
        <select id={statusId} value={filter.status ?? ''} onChange={(e) => onChange({ ...filter, status: e.currentTarget.value || undefined })}>
          <option value="">Any</option>
          <option value="active">Active</option>
          <option value="quarantined">Quarantined</option>
        </select>
      </div>
    </div>
  )
}
