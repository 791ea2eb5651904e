import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { isRouteMissing } from './api/errors.ts'

export type Loadable<T> =
  | { state: 'loading' }
  | { state: 'ready'; data: T }
  | { state: 'unavailable' }
  | { state: 'error'; error: unknown }

/**
 * Loads data for a view. A 404 from the router itself becomes `unavailable`, so a view built for a route that a
 * server does not have yet hides or explains itself instead of showing an error.
 */
export function useApi<T>(load: () => Promise<T>, deps: readonly unknown[]): Loadable<T> & { reload: () => void } {
  const [value, setValue] = useState<Loadable<T>>({ state: 'loading' })
  const generation = useRef(0)
  // The caller lists what `load` depends on, as with useEffect.
  const run = useCallback(load, deps)
  const reload = useCallback(() => {
    const mine = ++generation.current
    run()
      .then((data) => mine === generation.current && setValue({ state: 'ready', data }))
      .catch((error: unknown) => {
        if (mine !== generation.current) return
        setValue(isRouteMissing(error) ? { state: 'unavailable' } : { state: 'error', error })
      })
  }, [run])
  useEffect(() => {
    setValue({ state: 'loading' })
    reload()
  }, [reload])
  return { ...value, reload }
}
