import { verifyAudit } from '../../api/admin.ts'
import type { AuditVerification } from '../../api/types.ts'
import { ErrorNotice } from '../../components/error-notice.tsx'
import { Loading } from '../../components/notice.tsx'
import { formatDate } from '../../format.ts'
import { useApi } from '../../use-api.ts'

function scalar(value: unknown): string {
  if (value === null || value === undefined) return '—'
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

/**
 * The result of re-checking the tenant's hash chain and signed checkpoints now, on the server. A broken chain
 * names the first bad position; the detail is positions and hashes, shown as text.
 */
export function ChainStatus() {
  const v = useApi(verifyAudit, [])
  return (
    <section class="card" aria-labelledby="chain-title">
      <div class="section-bar">
        <h2 id="chain-title">Chain verification</h2>
        <button type="button" class="secondary small" disabled={v.state === 'loading'} onClick={v.reload}>Verify again</button>
      </div>
      {v.state === 'loading' ? <Loading label="Verifying the chain" /> : null}
      {v.state === 'error' ? <ErrorNotice error={v.error} onRetry={v.reload} /> : null}
      {v.state === 'ready' ? <Verification result={v.data} /> : null}
    </section>
  )
}

function Verification({ result }: { result: AuditVerification }) {
  const intact = result.status === 'intact'
  const cp = result.lastCheckpoint
  return (
    <>
      <p class={`chain-status ${intact ? 'chain-intact' : 'chain-broken'}`} role="status" data-testid="chain-status">
        <span class={intact ? 'chip chip-ok' : 'chip chip-quarantine'}>{result.status}</span>
        {intact
          ? ` Every entry links to the one before it${cp ? ' and every signed checkpoint checks out.' : '. No signed checkpoint yet.'}`
          : ' The chain does not verify: entries were changed, removed or reordered.'}
      </p>
      <dl class="kv">
        <div class="kv-row"><dt>Entries checked</dt><dd>{result.entries}</dd></div>
        <div class="kv-row"><dt>Last signed checkpoint</dt><dd>{cp ? `#${scalar(cp.seq)}` : 'none yet'}</dd></div>
        {cp ? <div class="kv-row"><dt>Checkpoint time</dt><dd>{typeof cp.time === 'string' ? formatDate(cp.time) : '—'}</dd></div> : null}
        {cp ? <div class="kv-row"><dt>Signing key</dt><dd><code>{scalar(cp.keyId)}</code></dd></div> : null}
      </dl>
      {result.problem ? (
        <div class="notice notice-danger" role="alert">
          <p class="notice-title">First problem</p>
          <dl class="kv">
            {Object.entries(result.problem).map(([k, val]) => (
              <div class="kv-row" key={k}><dt>{k}</dt><dd><code class="wrap-anywhere">{scalar(val)}</code></dd></div>
            ))}
          </dl>
        </div>
      ) : null}
    </>
  )
}
