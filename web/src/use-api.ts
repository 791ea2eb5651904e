import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { isRouteMissing } from './api/errors.ts'

export type Loadable<T> =
  | { state: 'loading' }
  | { state: 'ready'; data: T }
  | { state: 'unavailable' }
  | { state: 'error'; error: unknown }

/**
 * Loads data for a view. A 404 from the router itself becomes `unavailable`, so a view can say the feature is not
 * offered instead of showing an error. Each result remembers the query it answers: when the dependencies change
 * (another page, other filters) the view sees `loading` at once, never the previous query's data under the new
 * query's labels. A plain reload() keeps showing the current data until the fresh answer arrives. replace() shows data
 * the caller already holds (a write that answers with the new state), so the view never flips back to stale data
 * between a save and a reload.
 */
export function useApi<T>(load: () => Promise<T>, deps: readonly unknown[]): Loadable<T> & { reload: () => void; replace: (data: T) => void } {
  // The caller lists what `load` depends on, as with useEffect.
  const run = useCallback(load, deps)
  const [value, setValue] = useState<{ query: unknown; result: Loadable<T> }>({ query: undefined, result: { state: 'loading' } })
  const generation = useRef(0)
  const reload = useCallback(() => {
    const mine = ++generation.current
    run()
      .then((data) => mine === generation.current && setValue({ query: run, result: { state: 'ready', data } }))
      .catch((error: unknown) => {
        if (mine !== generation.current) return
        setValue({ query: run, result: isRouteMissing(error) ? { state: 'unavailable' } : { state: 'error', error } })
      })
  }, [run])
  const replace = useCallback((data: T) => {
    // A reload still in flight answers an older state than this one.
    ++generation.current
    setValue({ query: run, result: { state: 'ready', data } })
  }, [run])
  useEffect(() => reload(), [reload])
  const result: Loadable<T> = value.query === run ? value.result : { state: 'loading' }
  return { ...result, reload, replace }
}
