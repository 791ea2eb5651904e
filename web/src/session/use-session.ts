import { useCallback, useEffect, useState } from 'preact/hooks'
import { onAuthLost } from '../api/client.ts'
import { ApiError, isAuthLost } from '../api/errors.ts'
import { loadMe } from '../api/me.ts'
import type { Me } from '../api/types.ts'

export type Session =
  | { status: 'loading' }
  | { status: 'signed-in'; me: Me }
  | { status: 'signed-out'; reason: 'none' | 'expired' }
  | { status: 'error'; error: unknown }

/** The signed-in user from GET /api/me; flips to signed-out when any later call finds the session gone. */
export function useSession(): { session: Session; reload: () => void } {
  const [session, setSession] = useState<Session>({ status: 'loading' })
  const reload = useCallback(() => {
    loadMe()
      .then((me) => setSession({ status: 'signed-in', me }))
      .catch((error: unknown) => {
        if (isAuthLost(error)) setSession({ status: 'signed-out', reason: (error as ApiError).code === 'session_expired' ? 'expired' : 'none' })
        else setSession({ status: 'error', error })
      })
  }, [])
  useEffect(() => {
    reload()
    return onAuthLost((err) => setSession({ status: 'signed-out', reason: err.code === 'session_expired' ? 'expired' : 'none' }))
  }, [reload])
  return { session, reload }
}
