import { useId, useState } from 'preact/hooks'
import { uploadDocument } from '../../api/admin.ts'
import { CLASSIFICATIONS } from '../../api/types.ts'
import { ErrorNotice } from '../../components/error-notice.tsx'
import { Notice } from '../../components/notice.tsx'

const PRINCIPAL = /^(user|group):[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

function splitList(value: string): string[] {
  return value.split(/[\s,]+/).map((s) => s.trim()).filter((s) => s !== '')
}

/** Checks the list fields before upload so a typo is reported next to its field; the server validates again. */
export function validateUpload(departments: string[], allow: string[]): string | undefined {
  const badDept = departments.find((d) => !NAME.test(d))
  if (badDept) return `“${badDept}” is not a valid department name.`
  const badAllow = allow.find((p) => !PRINCIPAL.test(p))
  if (badAllow) return `“${badAllow}” must look like user:ID or group:NAME.`
  return undefined
}

/** POST /api/admin/documents answer (server/documents/documents.presenter.ts presentIngest). */
interface UploadResult {
  status: 'added' | 'replaced' | 'unchanged'
  chunks: number
  findings: Record<string, number>
}

function UploadedNotice({ file, result }: { file: string; result: UploadResult }) {
  const findings = Object.values(result.findings ?? {}).reduce((a, n) => a + n, 0)
  return (
    <Notice tone={findings > 0 ? 'warning' : 'success'}>
      <p>{file} was uploaded and scanned.</p>
      <p class="small-text">
        {result.status === 'unchanged' ? 'The same content was already stored; nothing changed. ' : ''}
        {result.status === 'replaced' ? 'It replaces the earlier version from the same source. ' : ''}
        {result.chunks} passage{result.chunks === 1 ? '' : 's'} indexed.
        {findings > 0 ? ` The scanner reported ${findings} finding${findings === 1 ? '' : 's'}; check the document list before releasing it.` : ''}
      </p>
    </Notice>
  )
}

export function UploadForm({ onUploaded }: { onUploaded: () => void }) {
  const ids = { file: useId(), title: useId(), cls: useId(), dept: useId(), allow: useId() }
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const [invalid, setInvalid] = useState<string | undefined>()
  const [done, setDone] = useState<{ file: string; result: UploadResult } | undefined>()
  const [classification, setClassification] = useState<string>('internal')

  const submit = async (form: HTMLFormElement) => {
    const data = new FormData(form)
    const departments = splitList(String(data.get('departments') ?? ''))
    const allow = splitList(String(data.get('allowList') ?? ''))
    const problem = validateUpload(departments, allow)
    setInvalid(problem)
    setError(undefined)
    setDone(undefined)
    if (problem) return
    const body = new FormData()
    const file = data.get('file')
    if (!(file instanceof File) || file.size === 0) {
      setInvalid('Choose a file to upload.')
      return
    }
    body.append('file', file)
    body.append('title', String(data.get('title') ?? '').trim() || file.name)
    body.append('classification', classification)
    for (const d of departments) body.append('department', d)
    for (const p of allow) body.append('allow', p)
    setBusy(true)
    try {
      setDone({ file: file.name, result: (await uploadDocument(body)) as UploadResult })
      form.reset()
      setClassification('internal')
      onUploaded()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="card upload-form" aria-labelledby="upload-title" onSubmit={(e) => { e.preventDefault(); void submit(e.currentTarget) }}>
      <h2 id="upload-title">Upload a document</h2>
      <div class="form-grid">
        <div class="field span-2">
          <label for={ids.file}>File</label>
          <input id={ids.file} name="file" type="file" required accept=".txt,.md,.html,.htm,.pdf,.docx,.csv,.json" />
        </div>
        <div class="field span-2">
          <label for={ids.title}>Title</label>
          <input id={ids.title} name="title" type="text" maxLength={200} placeholder="Defaults to the file name" />
        </div>
        <div class="field">
          <label for={ids.cls}>Classification</label>
          <select id={ids.cls} name="classification" required value={classification} onChange={(e) => setClassification(e.currentTarget.value)}>
            {CLASSIFICATIONS.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </div>
        <div class="field">
          <label for={ids.dept}>Departments</label>
          <input id={ids.dept} name="departments" type="text" placeholder="engineering, finance" aria-describedby={`${ids.dept}-hint`} />
          <span id={`${ids.dept}-hint`} class="hint">Comma-separated. Empty: every department.</span>
        </div>
        <div class="field span-2">
          <label for={ids.allow}>Allow-list</label>
          <input id={ids.allow} name="allowList" type="text" placeholder="user:alice, group:eng-all" aria-describedby={`${ids.allow}-hint`} />
          <span id={`${ids.allow}-hint`} class="hint">Optional. Restricts the document to these users and groups.</span>
        </div>
      </div>
      {invalid ? <p class="error-text" role="alert">{invalid}</p> : null}
      {error ? <ErrorNotice error={error} /> : null}
      {done ? <UploadedNotice {...done} /> : null}
      <div class="form-actions">
        <button type="submit" disabled={busy}>{busy ? 'Uploading…' : 'Upload'}</button>
      </div>
    </form>
  )
}
