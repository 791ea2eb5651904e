import { useEffect, useState } from 'preact/hooks'
import { getKeyStatus, rewrapKeys, rotateKey } from '../../api/admin.ts'
import type { KeyStatus, RewrapResult } from '../../api/types.ts'
import { ConfirmDialog } from '../../components/confirm-dialog.tsx'
import { ErrorNotice } from '../../components/error-notice.tsx'
import { Loading, Notice } from '../../components/notice.tsx'
import { formatDate } from '../../format.ts'
import { useApi } from '../../use-api.ts'

type Outcome = { kind: 'rotated'; from: number | null; to: number } | { kind: 'rewrapped'; result: RewrapResult }

const STATE_CHIP: Record<KeyStatus['versions'][number]['state'], string> = {
  active: 'chip chip-ok', retired: 'chip', destroyed: 'chip chip-quarantine',
}

/**
 * The tenant's transcript keys: which version encrypts new messages, and how much data each older version still
 * protects. Rotation starts a new version at once; re-encryption moves older data onto it in bounded runs.
 * Shredding stays a command-line action (`npm run keys -- shred`).
 */
export function KeysPanel({ id, onError }: { id: string; onError: (err: unknown) => void }) {
  const status = useApi(getKeyStatus, [])
  const [confirm, setConfirm] = useState(false)
  const [busy, setBusy] = useState<'rotate' | 'rewrap' | undefined>()
  const [error, setError] = useState<unknown>()
  const [outcome, setOutcome] = useState<Outcome | undefined>()
  useEffect(() => {
    if (status.state === 'error') onError(status.error)
  }, [status.state])

  const act = async (kind: 'rotate' | 'rewrap') => {
    setBusy(kind)
    setError(undefined)
    setOutcome(undefined)
    try {
      if (kind === 'rotate') {
        const r = await rotateKey()
        setOutcome({ kind: 'rotated', from: r.fromVersion, to: r.toVersion })
      } else {
        setOutcome({ kind: 'rewrapped', result: await rewrapKeys() })
      }
      status.reload()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(undefined)
      setConfirm(false)
    }
  }

  const data = status.state === 'ready' ? status.data : undefined
  const active = data?.versions.find((v) => v.state === 'active')
  const stale = data?.versions.filter((v) => v.state === 'retired').reduce((n, v) => n + v.messages + v.conversations, 0) ?? 0
  const destroyed = data !== undefined && data.versions.length > 0 && data.versions.every((v) => v.state === 'destroyed')
  return (
    <section class="card" id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Transcript keys</h2>
      {status.state === 'loading' ? <Loading label="Loading key status" /> : null}
      {status.state === 'error' ? <ErrorNotice error={status.error} onRetry={status.reload} /> : null}
      {data ? (
        <>
          <dl class="kv">
            <div class="kv-row"><dt>Root key provider</dt><dd>{data.provider.kind}</dd></div>
            <div class="kv-row"><dt>Root key</dt><dd><code>{data.provider.keyId}</code></dd></div>
            <div class="kv-row"><dt>Active version</dt><dd>{active ? `v${active.version}` : destroyed ? 'destroyed' : 'none yet'}</dd></div>
            <div class="kv-row"><dt>Items on older versions</dt><dd>{stale}</dd></div>
          </dl>
          {data.versions.length === 0 ? <p class="muted">No key yet: the first conversation creates version 1.</p> : <VersionTable status={data} />}
          {destroyed ? <Notice tone="danger" title="Keys destroyed"><p>This tenant's keys were shredded; its transcripts cannot be read.</p></Notice> : null}
          <div class="form-actions">
            <button type="button" class="secondary" disabled={busy !== undefined || stale === 0 || destroyed} onClick={() => void act('rewrap')}>
              {busy === 'rewrap' ? 'Re-encrypting…' : 'Re-encrypt older data'}
            </button>
            <button type="button" disabled={busy !== undefined || destroyed} onClick={() => setConfirm(true)}>Rotate key</button>
          </div>
        </>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
      {outcome ? <OutcomeNotice outcome={outcome} /> : null}
      <ConfirmDialog
        open={confirm} title="Rotate the transcript key?" confirmLabel="Rotate" busy={busy === 'rotate'}
        onConfirm={() => void act('rotate')} onCancel={() => setConfirm(false)}
      >
        <p>A new key version encrypts everything written from now on. Existing conversations stay readable under the retired version until you re-encrypt them.</p>
      </ConfirmDialog>
    </section>
  )
}

function VersionTable({ status }: { status: KeyStatus }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label="Key versions">
      <table class="table">
        <thead>
          <tr><th scope="col">Version</th><th scope="col">State</th><th scope="col">Created</th><th scope="col">Retired</th><th scope="col" class="numeric">Messages</th><th scope="col" class="numeric">Conversations</th></tr>
        </thead>
        <tbody>
          {[...status.versions].reverse().map((v) => (
            <tr key={v.version}>
              <td>v{v.version}</td>
              <td><span class={STATE_CHIP[v.state]}>{v.state}</span></td>
              <td class="small-text"><time dateTime={v.createdAt}>{formatDate(v.createdAt)}</time></td>
              <td class="small-text">{v.retiredAt ? <time dateTime={v.retiredAt}>{formatDate(v.retiredAt)}</time> : '—'}</td>
              <td class="numeric">{v.messages}</td>
              <td class="numeric">{v.conversations}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function OutcomeNotice({ outcome }: { outcome: Outcome }) {
  if (outcome.kind === 'rotated') {
    return (
      <Notice tone="success" title="Key rotated">
        <p>{outcome.from === null ? `Version v${outcome.to} created.` : `v${outcome.from} retired, v${outcome.to} is now active.`} Re-encrypt older data to move it onto the new version.</p>
      </Notice>
    )
  }
  const r = outcome.result
  return (
    <Notice tone={r.complete ? 'success' : 'warning'} title={r.complete ? 'Older data re-encrypted' : 'Re-encryption paused'}>
      <p>
        {r.messages} message{r.messages === 1 ? '' : 's'} and {r.conversations} conversation title{r.conversations === 1 ? '' : 's'} moved to v{r.toVersion}.
        {r.complete ? '' : ' More remain: run it again to continue.'}
      </p>
    </Notice>
  )
}
