import { describeError } from '../api/errors.ts'
import { loginUrl } from '../api/endpoints.ts'
import { currentPath } from '../router.tsx'
import { useCountdown } from './countdown.tsx'

/**
 * The one way failures are shown: a headline, the server's (text-only) detail, and the action that helps:
 * sign in, verify again (step-up), reload, or wait out a rate limit.
 */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const d = describeError(error)
  const left = useCountdown(d.retryAfterSeconds)
  const waiting = d.retryAfterSeconds !== undefined && left > 0
  return (
    <div class={`notice notice-${d.tone}`} role="alert">
      <p class="notice-title">{d.title}</p>
      <p>
        {waiting ? `Try again in ${left} second${left === 1 ? '' : 's'}.` : d.retryAfterSeconds !== undefined ? 'You can try again now.' : d.detail}
      </p>
      <div class="notice-actions">
        {d.action === 'sign-in' ? <a class="button" href={loginUrl(currentPath())}>Sign in</a> : null}
        {d.action === 'step-up' ? <a class="button" href={loginUrl(currentPath(), true)}>Verify again</a> : null}
        {d.action === 'reload' ? <button type="button" onClick={() => location.reload()}>Reload</button> : null}
        {onRetry && d.action === undefined ? (
          <button type="button" class="secondary" disabled={waiting} onClick={onRetry}>Try again</button>
        ) : null}
      </div>
    </div>
  )
}
