import { useId, useState } from 'preact/hooks'
import { listDocuments, type DocumentQuery } from '../../api/admin.ts'
import { ENDPOINTS, loginUrl } from '../../api/endpoints.ts'
import { ApiError } from '../../api/errors.ts'
import { CLASSIFICATIONS } from '../../api/types.ts'
import { ErrorNotice } from '../../components/error-notice.tsx'
import { Loading } from '../../components/notice.tsx'
import { Unavailable } from '../../components/unavailable.tsx'
import { currentPath } from '../../router.tsx'
import { useApi } from '../../use-api.ts'
import { DocumentTable } from './document-table.tsx'
import { OptionalPanel } from './optional-panel.tsx'
import { RetentionPanel } from './retention-panel.tsx'
import { UploadForm } from './upload-form.tsx'

const PAGE_SIZE = 20

/**
 * The admin console. Every admin route needs a recent MFA sign-in; the first call tells us whether we have one,
 * and a step_up_required answer replaces the console with the prompt to verify again.
 */
export function AdminView() {
  const [query, setQuery] = useState<DocumentQuery>({ limit: PAGE_SIZE, offset: 0 })
  const docs = useApi(() => listDocuments(query), [query.limit, query.offset, query.classification, query.status])
  if (docs.state === 'error' && docs.error instanceof ApiError && docs.error.code === 'step_up_required') return <StepUpPrompt />
  return (
    <section class="page" aria-labelledby="admin-title">
      <h1 id="admin-title">Admin console</h1>
      {docs.state === 'unavailable' ? <Unavailable feature="Document management" /> : null}
      {docs.state !== 'unavailable' ? <UploadForm onUploaded={docs.reload} /> : null}
      {docs.state !== 'unavailable' ? (
        <section class="card" aria-labelledby="documents-title">
          <h2 id="documents-title">Documents</h2>
          <DocumentFilters query={query} onChange={(q) => setQuery({ ...q, limit: PAGE_SIZE, offset: 0 })} />
          {docs.state === 'loading' ? <Loading label="Loading documents" /> : null}
          {docs.state === 'error' ? <ErrorNotice error={docs.error} onRetry={docs.reload} /> : null}
          {docs.state === 'ready' && docs.data.documents.length === 0 ? <p class="muted">No documents match.</p> : null}
          {docs.state === 'ready' && docs.data.documents.length > 0 ? <DocumentTable documents={docs.data.documents} onChanged={docs.reload} /> : null}
          {docs.state === 'ready' ? <Pager total={docs.data.total} query={query} onChange={setQuery} /> : null}
        </section>
      ) : null}
      <RetentionPanel />
      <OptionalPanel title="Legal holds" path={ENDPOINTS.adminLegalHolds} />
      <OptionalPanel title="Key status" path={ENDPOINTS.adminKeys} />
    </section>
  )
}

function StepUpPrompt() {
  return (
    <section class="signed-out card" aria-labelledby="step-up-title">
      <h1 id="step-up-title">Confirm it is you</h1>
      <p>The admin console needs a sign-in with your second factor within the last few minutes.</p>
      <a class="button large" href={loginUrl(currentPath(), true)}>Verify with your second factor</a>
    </section>
  )
}

function DocumentFilters({ query, onChange }: { query: DocumentQuery; onChange: (q: DocumentQuery) => void }) {
  const clsId = useId()
  const statusId = useId()
  return (
    <div class="filters">
      <div class="field">
        <label for={clsId}>Classification</label>
        <select id={clsId} value={query.classification ?? ''} onChange={(e) => onChange({ ...query, classification: e.currentTarget.value || undefined })}>
          <option value="">Any</option>
          {CLASSIFICATIONS.map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
      </div>
      <div class="field">
        <label for={statusId}>Status</label>
        <select id={statusId} value={query.status ?? ''} onChange={(e) => onChange({ ...query, status: e.currentTarget.value || undefined })}>
          <option value="">Any</option>
          <option value="active">Active</option>
          <option value="quarantined">Quarantined</option>
        </select>
      </div>
    </div>
  )
}

function Pager({ total, query, onChange }: { total: number; query: DocumentQuery; onChange: (q: DocumentQuery) => void }) {
  const from = total === 0 ? 0 : query.offset + 1
  const to = Math.min(total, query.offset + query.limit)
  return (
    <div class="pager">
      <span class="muted small-text" role="status">{from}–{to} of {total}</span>
      <button type="button" class="secondary small" disabled={query.offset === 0} onClick={() => onChange({ ...query, offset: Math.max(0, query.offset - query.limit) })}>Previous</button>
      <button type="button" class="secondary small" disabled={to >= total} onClick={() => onChange({ ...query, offset: query.offset + query.limit })}>Next</button>
    </div>
  )
}
