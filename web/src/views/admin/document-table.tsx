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
      if (action.kind === 'delete') await deleteDocument(action.doc.documentId)
      else await releaseDocument(action.doc.documentId)
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
        <table class="table">
          <thead>
            <tr><th scope="col">Title</th><th scope="col">Classification</th><th scope="col">Access</th><th scope="col">Status</th><th scope="col">Findings</th><th scope="col">Chunks</th><th scope="col">Added</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
          </thead>
          <tbody>
            {documents.map((d) => (
              <tr key={d.documentId}>
                <td><span class="doc-title">{d.title}</span><span class="muted small-text doc-source">{d.source}</span></td>
                <td><ClassificationBadge value={d.classification} /></td>
                <td class="small-text">
                  {d.departments.length > 0 ? d.departments.join(', ') : 'all departments'}
                  {d.allowedPrincipals.length > 0 ? <span class="muted doc-source">only {d.allowedPrincipals.join(', ')}</span> : null}
                </td>
                <td>{d.quarantined ? <span class="chip chip-quarantine">quarantined</span> : <span class="chip chip-ok">active</span>}</td>
                <td><Findings findings={d.findings} /></td>
                <td class="numeric">{d.chunkCount}</td>
                <td class="small-text"><time dateTime={d.createdAt}>{formatDate(d.createdAt)}</time></td>
                <td class="row-actions">
                  {d.quarantined ? (
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
