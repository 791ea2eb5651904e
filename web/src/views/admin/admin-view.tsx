import { useState } from 'preact/hooks'
import { loginUrl } from '../../api/endpoints.ts'
import { ApiError } from '../../api/errors.ts'
import { currentPath } from '../../router.tsx'
import { DocumentsPanel } from './documents-panel.tsx'
import { KeysPanel } from './keys-panel.tsx'
import { LegalHoldsPanel } from './legal-holds-panel.tsx'
import { RetentionPanel } from './retention-panel.tsx'

const SECTIONS = [
  ['documents', 'Documents'], ['retention', 'Retention'], ['legal-holds', 'Legal holds'], ['keys', 'Keys'],
] as const

function isStepUp(err: unknown): boolean {
  return err instanceof ApiError && err.code === 'step_up_required'
}

/**
 * The admin console. Every admin route needs a recent MFA sign-in: the document list is asked first, and a
 * step_up_required answer replaces the console with the prompt to verify again. The other panels load only once
 * that first call succeeded, so a stale sign-in costs one refused request, not one per panel.
 */
export function AdminView() {
  const [stepUp, setStepUp] = useState(false)
  const [verified, setVerified] = useState(false)
  if (stepUp) return <StepUpPrompt />
  const onError = (err: unknown) => {
    if (isStepUp(err)) setStepUp(true)
  }
  return (
    <section class="page" aria-labelledby="admin-title">
      <div class="page-head">
        <h1 id="admin-title">Admin console</h1>
        <nav class="section-nav" aria-label="Console sections">
          {SECTIONS.map(([id, label]) => <a key={id} href={`#${id}`}>{label}</a>)}
        </nav>
      </div>
      <DocumentsPanel id="documents" onLoaded={() => setVerified(true)} onError={onError} />
      {verified ? (
        <>
          <RetentionPanel id="retention" onError={onError} />
          <LegalHoldsPanel id="legal-holds" onError={onError} />
          <KeysPanel id="keys" onError={onError} />
        </>
      ) : null}
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
