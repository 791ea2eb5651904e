import { useEffect, useId, useState } from 'preact/hooks'
import { listLegalHolds, placeLegalHold, releaseLegalHold } from '../../api/admin.ts'
import type { LegalHold } from '../../api/types.ts'
import { ConfirmDialog } from '../../components/confirm-dialog.tsx'
import { ErrorNotice } from '../../components/error-notice.tsx'
import { Loading, Notice } from '../../components/notice.tsx'
import { formatDate } from '../../format.ts'
import { useApi } from '../../use-api.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
// Printable text, as the server's schema: no control or format characters.
const PRINTABLE = /^[^\p{Cc}\p{Cf}]+$/u

/** Checks the hold before it is sent so the problem shows next to the form; the server validates again. */
export function validateHold(scope: LegalHold['scope'], targetId: string, caseRef: string): string | undefined {
  if (scope === 'conversation' && !UUID.test(targetId)) return 'A conversation id looks like 8f0c4f9e-1b2c-4d3e-8f00-123456789abc.'
  if (scope === 'user' && (targetId === '' || targetId.length > 256 || !PRINTABLE.test(targetId))) return 'Enter the user id the hold applies to.'
  if (caseRef === '' || caseRef.length > 120 || !PRINTABLE.test(caseRef)) return 'Enter a case reference of up to 120 characters.'
  return undefined
}

/**
 * Legal holds keep a user's or a conversation's data from retention purges and data-subject deletion until they
 * are released. Placing and releasing are audited; the case reference stays out of the audit log.
 */
export function LegalHoldsPanel({ id, onError }: { id: string; onError: (err: unknown) => void }) {
  const [showReleased, setShowReleased] = useState(false)
  const holds = useApi(() => listLegalHolds(showReleased), [showReleased])
  const [releasing, setReleasing] = useState<LegalHold | undefined>()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const toggleId = useId()
  useEffect(() => {
    if (holds.state === 'error') onError(holds.error)
  }, [holds.state])

  const release = async () => {
    if (!releasing) return
    setBusy(true)
    setError(undefined)
    try {
      await releaseLegalHold(releasing.id)
      holds.reload()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
      setReleasing(undefined)
    }
  }

  return (
    <section class="card" id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Legal holds</h2>
      <PlaceHoldForm onPlaced={holds.reload} />
      <div class="section-bar">
        <h3>{showReleased ? 'All holds' : 'Active holds'}</h3>
        <label class="checkbox" for={toggleId}>
          <input id={toggleId} type="checkbox" checked={showReleased} onChange={(e) => setShowReleased(e.currentTarget.checked)} />
          Show released holds
        </label>
      </div>
      {holds.state === 'loading' ? <Loading label="Loading legal holds" /> : null}
      {holds.state === 'error' ? <ErrorNotice error={holds.error} onRetry={holds.reload} /> : null}
      {holds.state === 'ready' && holds.data.length === 0 ? <p class="muted">{showReleased ? 'No legal holds yet.' : 'No active legal holds.'}</p> : null}
      {holds.state === 'ready' && holds.data.length > 0 ? <HoldTable holds={holds.data} onRelease={setReleasing} /> : null}
      {error ? <ErrorNotice error={error} /> : null}
      <ConfirmDialog
        open={releasing !== undefined} title="Release this legal hold?" confirmLabel="Release hold" danger busy={busy}
        onConfirm={() => void release()} onCancel={() => setReleasing(undefined)}
      >
        <p>Data held for “{releasing?.caseRef}” becomes subject to retention and deletion requests again.</p>
      </ConfirmDialog>
    </section>
  )
}

function HoldTable({ holds, onRelease }: { holds: LegalHold[]; onRelease: (h: LegalHold) => void }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label="Legal holds">
      <table class="table">
        <thead>
          <tr><th scope="col">Case</th><th scope="col">Applies to</th><th scope="col">Placed</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
        </thead>
        <tbody>
          {holds.map((h) => (
            <tr key={h.id}>
              <td><span class="doc-title">{h.caseRef}</span></td>
              <td class="small-text">{h.scope === 'user' ? 'User' : 'Conversation'} <code class="wrap-anywhere">{h.targetId}</code></td>
              <td class="small-text"><time dateTime={h.createdAt}>{formatDate(h.createdAt)}</time><span class="muted doc-source">by {h.createdBy}</span></td>
              <td>
                {h.active ? <span class="chip chip-hold">active</span> : (
                  <span class="small-text"><span class="chip">released</span><span class="muted doc-source">{formatDate(h.releasedAt)} by {h.releasedBy}</span></span>
                )}
              </td>
              <td class="row-actions">
                {h.active ? <button type="button" class="secondary small" aria-label={`Release hold ${h.caseRef}`} onClick={() => onRelease(h)}>Release</button> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function PlaceHoldForm({ onPlaced }: { onPlaced: () => void }) {
  const ids = { scope: useId(), target: useId(), caseRef: useId() }
  const [scope, setScope] = useState<LegalHold['scope']>('user')
  const [targetId, setTargetId] = useState('')
  const [caseRef, setCaseRef] = useState('')
  const [invalid, setInvalid] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const [placed, setPlaced] = useState<string | undefined>()

  const submit = async () => {
    const problem = validateHold(scope, targetId.trim(), caseRef.trim())
    setInvalid(problem)
    setError(undefined)
    setPlaced(undefined)
    if (problem) return
    setBusy(true)
    try {
      const hold = await placeLegalHold({ scope, targetId: targetId.trim(), caseRef: caseRef.trim() })
      setPlaced(hold.caseRef)
      setTargetId('')
      setCaseRef('')
      onPlaced()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form class="inline-form" aria-label="Place a legal hold" onSubmit={(e) => { e.preventDefault(); void submit() }}>
      <div class="filters">
        <div class="field">
          <label for={ids.scope}>Hold</label>
          <select id={ids.scope} value={scope} onChange={(e) => setScope(e.currentTarget.value as LegalHold['scope'])}>
            <option value="user">All data of a user</option>
            <option value="conversation">One conversation</option>
          </select>
        </div>
        <div class="field">
          <label for={ids.target}>{scope === 'user' ? 'User id' : 'Conversation id'}</label>
          <input id={ids.target} type="text" maxLength={256} value={targetId} placeholder={scope === 'user' ? 'alice' : '8f0c4f9e-…'} onInput={(e) => setTargetId(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for={ids.caseRef}>Case reference</label>
          <input id={ids.caseRef} type="text" maxLength={120} value={caseRef} placeholder="Case or matter number" onInput={(e) => setCaseRef(e.currentTarget.value)} />
        </div>
        <div class="field field-button">
          <button type="submit" disabled={busy}>{busy ? 'Placing…' : 'Place hold'}</button>
        </div>
      </div>
      {invalid ? <p class="error-text" role="alert">{invalid}</p> : null}
      {error ? <ErrorNotice error={error} /> : null}
      {placed ? <Notice tone="success"><p>Legal hold “{placed}” placed.</p></Notice> : null}
    </form>
  )
}
