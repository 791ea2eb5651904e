import { loginUrl } from '../api/endpoints.ts'
import { currentPath } from '../router.tsx'

export function SignedOutView({ expired }: { expired: boolean }) {
  return (
    <section class="signed-out card" aria-labelledby="signed-out-title">
      <h1 id="signed-out-title">{expired ? 'Your session has expired' : 'Sign in to Strongroom'}</h1>
      <p>
        {expired
          ? 'For your security, sessions end after a period of inactivity. Sign in again to continue where you were.'
          : 'Ask questions about your organisation’s documents. Answers cite their sources, and you only ever see what your clearance allows.'}
      </p>
      <a class="button large" href={loginUrl(currentPath())}>Sign in</a>
      <p class="muted small-text">Sign-in uses your organisation’s identity provider with a second factor.</p>
    </section>
  )
}
