import { getJson } from '../../api/admin.ts'
import { ErrorNotice } from '../../components/error-notice.tsx'
import { Loading } from '../../components/notice.tsx'
import { useApi } from '../../use-api.ts'
import { JsonSummary } from './json-summary.tsx'

/** A read-only status panel for a route that may not exist: it renders nothing until the route answers. */
export function OptionalPanel({ title, path }: { title: string; path: string }) {
  const data = useApi(() => getJson(path), [path])
  if (data.state === 'unavailable') return null
  return (
    <section class="card" aria-label={title}>
      <h2>{title}</h2>
      {data.state === 'loading' ? <Loading /> : null}
      {data.state === 'error' ? <ErrorNotice error={data.error} onRetry={data.reload} /> : null}
      {data.state === 'ready' ? <JsonSummary value={data.data} /> : null}
    </section>
  )
}
