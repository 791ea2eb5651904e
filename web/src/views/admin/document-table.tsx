import { useState } from 'preact/hooks'
import { deleteDocument, releaseDocument } from '../../api/admin.ts'
import type { AdminDocument } from '../../api/types.ts'
import { ClassificationBadge } from '../../components/classification-badge.tsx'
import { ConfirmDialog } from '../../components/confirm-dialog.tsx'
import { ErrorNotice } from '../../components/error-notice.tsx'
import { formatDate } from '../../format.ts'

type Action = { kind: 'delete' | 'release'; doc: AdminDocument }

export function Findings({ findings }: { findings: Record<string, number> }) {
  const entries = Object.entries(findings ?? {}).filter(([, n]) => n > 0)
  if (entries.length === 0) return <span class="muted small-text">none</span>
  return (
    <ul class="chips" aria-label="Scanner findings">
      {entries.map(([type, n]) => <li key={type} class="chip chip-finding">{type.replace(/_/g, ' ')} × {n}</li>)}
    </ul>
  )
}

/** Documents with their scan results; quarantined ones can be released, any can be deleted, both confirmed. */
export function DocumentTable({ documents, onChanged }: { documents: AdminDocument[]; onChanged: () => void }) {
  const [action, setAction] = useState<Action | undefined>()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const run = async () => {
    if (!action) return
    setBusy(true)
    setError(undefined)
    try {
      if (action.kind === 'delete') await deleteDocument(action.doc.id)
      else await releaseDocument(action.doc.id)
      onChanged()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
      setAction(undefined)
    }
  }
  return (
    <>
      {error ? <ErrorNotice error={error} /> : null}
      <div class="table-wrap" tabIndex={0} role="region" aria-label="Documents">
        <table class="table stack-on-phone">
          <thead>
            <tr><th scope="col">Title</th><th scope="col">Classification</th><th scope="col">Access</th><th scope="col">Status</th><th scope="col">Findings</th><th scope="col">Chunks</th><th scope="col">Added</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
          </thead>
          <tbody>
            {documents.map((d) => (
              <tr key={d.id}>
                <td data-label="Title"><div><span class="doc-title">{d.title}</span><span class="muted small-text doc-source">{d.source}</span></div></td>
                <td data-label="Classification"><ClassificationBadge value={d.classification} /></td>
                <td class="small-text" data-label="Access">
                  <div>
                    {d.departments.length > 0 ? d.departments.join(', ') : 'all departments'}
                    {d.allow.length > 0 ? <span class="muted doc-source">only {d.allow.join(', ')}</span> : null}
                  </div>
                </td>
                <td data-label="Status">{d.status === 'quarantined' ? <span class="chip chip-quarantine">quarantined</span> : <span class="chip chip-ok">active</span>}</td>
                <td data-label="Findings"><Findings findings={d.findings} /></td>
                <td class="numeric" data-label="Chunks">{d.chunkCount}</td>
                <td class="small-text" data-label="Added"><time dateTime={d.createdAt}>{formatDate(d.createdAt)}</time></td>
                <td class="row-actions">
                  {d.status === 'quarantined' ? (
                    <button type="button" class="secondary small" onClick={() => setAction({ kind: 'release', doc: d })} aria-label={`Release ${d.title}`}>Release</button>
                  ) : null}
                  <button type="button" class="danger small" onClick={() => setAction({ kind: 'delete', doc: d })} aria-label={`Delete ${d.title}`}>Delete</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        open={action !== undefined}
        title={action?.kind === 'release' ? 'Release from quarantine?' : 'Delete this document?'}
        confirmLabel={action?.kind === 'release' ? 'Release' : 'Delete'}
        danger busy={busy} onConfirm={() => void run()} onCancel={() => setAction(undefined)}
      >
        {action?.kind === 'release' ? (
          <p>“{action.doc.title}” will become searchable for everyone its classification and access lists allow, despite the scanner findings.</p>
        ) : (
          <p>“{action?.doc.title}” and all its passages will be removed from search and chat. This cannot be undone.</p>
        )}
      </ConfirmDialog>
    </>
  )
}
