import { useId, useState } from 'preact/hooks'
import { isRouteMissing } from '../../api/errors.ts'
import { search } from '../../api/search.ts'
import type { SearchResult } from '../../api/types.ts'
import { ClassificationBadge } from '../../components/classification-badge.tsx'
import { ErrorNotice } from '../../components/error-notice.tsx'
import { Loading } from '../../components/notice.tsx'
import { Unavailable } from '../../components/unavailable.tsx'

type State = { kind: 'idle' } | { kind: 'loading' } | { kind: 'done'; results: SearchResult[] } | { kind: 'error'; error: unknown }

/** Direct passage search: the same access rules as chat, without a model in between. Text is shown as text. */
export function SearchView() {
  const [q, setQ] = useState('')
  const [k, setK] = useState(10)
  const [state, setState] = useState<State>({ kind: 'idle' })
  const qId = useId()
  const kId = useId()
  const run = async () => {
    if (q.trim() === '') return
    setState({ kind: 'loading' })
    try {
      setState({ kind: 'done', results: (await search(q.trim(), k)).results })
    } catch (error) {
      setState({ kind: 'error', error })
    }
  }
  return (
    <section class="page" aria-labelledby="search-title">
      <h1 id="search-title">Search</h1>
      <form class="search-form" role="search" onSubmit={(e) => { e.preventDefault(); void run() }}>
        <div class="field grow">
          <label for={qId}>Search passages</label>
          <input id={qId} type="search" name="q" maxLength={500} value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for={kId}>Results</label>
          <select id={kId} value={String(k)} onChange={(e) => setK(Number(e.currentTarget.value))}>
            {[5, 10, 20, 50].map((n) => <option key={n} value={String(n)}>{n}</option>)}
          </select>
        </div>
        <button type="submit" disabled={state.kind === 'loading' || q.trim() === ''}>Search</button>
      </form>
      {state.kind === 'loading' ? <Loading label="Searching" /> : null}
      {state.kind === 'error' ? (isRouteMissing(state.error) ? <Unavailable feature="Search" /> : <ErrorNotice error={state.error} onRetry={() => void run()} />) : null}
      {state.kind === 'done' ? <Results results={state.results} /> : null}
    </section>
  )
}

function Results({ results }: { results: SearchResult[] }) {
  if (results.length === 0) return <p class="muted" role="status">No passages you can access match this search.</p>
  return (
    <ol class="search-results" aria-label="Search results">
      {results.map((r) => (
        <li key={r.chunkId} class="card search-result">
          <div class="citation-head">
            <span class="citation-title">{r.title}</span>
            <ClassificationBadge value={r.classification} />
            {r.page != null ? <span class="muted small-text">p. {r.page}</span> : null}
            <span class="muted small-text score">score {r.score.toFixed(3)}</span>
          </div>
          {r.departments.length > 0 ? <p class="muted small-text">{r.departments.join(', ')}</p> : null}
          <p class="passage-text">{r.text}</p>
        </li>
      ))}
    </ol>
  )
}
