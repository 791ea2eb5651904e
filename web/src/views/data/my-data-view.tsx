import { useState } from 'preact/hooks'
import { deleteMyData, exportMyData } from '../../api/me.ts'
import type { DeleteMyDataResult } from '../../api/types.ts'
import { ConfirmDialog } from '../../components/confirm-dialog.tsx'
import { ErrorNotice } from '../../components/error-notice.tsx'
import { Notice } from '../../components/notice.tsx'

type Pending = 'export' | 'delete' | undefined

function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.rel = 'noopener'
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** The user's own data: export as JSON and erase, each behind a confirmation. */
export function MyDataView() {
  const [confirm, setConfirm] = useState<Pending>()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const [exported, setExported] = useState<string | undefined>()
  const [deleted, setDeleted] = useState<DeleteMyDataResult | undefined>()

  const run = async () => {
    setBusy(true)
    setError(undefined)
    setExported(undefined)
    setDeleted(undefined)
    try {
      if (confirm === 'export') {
        const { blob, fileName } = await exportMyData()
        download(blob, fileName)
        setExported(fileName)
      } else if (confirm === 'delete') {
        setDeleted(await deleteMyData())
      }
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
      setConfirm(undefined)
    }
  }

  return (
    <section class="page" aria-labelledby="my-data-title">
      <h1 id="my-data-title">My data</h1>
      <div class="card-grid">
        <div class="card">
          <h2>Export my data</h2>
          <p>Download your profile attributes and your conversations, with their answers and citations, as a JSON file.</p>
          <button type="button" onClick={() => setConfirm('export')}>Export my data</button>
        </div>
        <div class="card">
          <h2>Delete my data</h2>
          <p>Permanently delete your conversations and end your sessions. Items under a legal hold are kept until the hold is released.</p>
          <button type="button" class="danger" onClick={() => setConfirm('delete')}>Delete my data</button>
        </div>
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      {exported ? <Notice tone="success" title="Export ready"><p>Your data was downloaded as {exported}.</p></Notice> : null}
      {deleted ? <DeletedNotice result={deleted} /> : null}
      <ConfirmDialog
        open={confirm === 'export'} title="Export your data?" confirmLabel="Download" busy={busy}
        onConfirm={() => void run()} onCancel={() => setConfirm(undefined)}
      >
        <p>The file contains your conversations in clear text, including answers from classified documents. Store it accordingly.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'delete'} title="Delete all your data?" confirmLabel="Delete everything" danger busy={busy}
        onConfirm={() => void run()} onCancel={() => setConfirm(undefined)}
      >
        <p>All your conversations will be deleted and you will be signed out everywhere. This cannot be undone.</p>
      </ConfirmDialog>
    </section>
  )
}

function DeletedNotice({ result }: { result: DeleteMyDataResult }) {
  const { conversations, sessions } = result.deleted
  return (
    <Notice tone="success" title="Your data was deleted">
      <p>Deleted {conversations} conversation{conversations === 1 ? '' : 's'} and {sessions} session{sessions === 1 ? '' : 's'}.</p>
      {result.held ? <p>{result.held} item{result.held === 1 ? ' is' : 's are'} under a legal hold and will be deleted when the hold ends.</p> : null}
      <p><a href="/">Return to the start page</a></p>
    </Notice>
  )
}
