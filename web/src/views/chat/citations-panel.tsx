import type { Citation } from '../../api/types.ts'
import { ClassificationBadge } from '../../components/classification-badge.tsx'

export function CitationsPanel({ citations, onOpen }: { citations: Citation[]; onOpen: (c: Citation) => void }) {
  if (citations.length === 0) return null
  return (
    <section class="citations" aria-label="Sources">
      <h3 class="citations-title">Sources</h3>
      <ol class="citation-list">
        {citations.map((c, i) => (
          <li key={`${c.chunkId}-${i}`} class="citation">
            <div class="citation-head">
              <span class="citation-index" aria-hidden="true">{i + 1}</span>
              <span class="citation-title">{c.title}</span>
              <ClassificationBadge value={c.classification} />
              {c.page != null ? <span class="muted small-text">p. {c.page}</span> : null}
            </div>
            {c.snippet ? <p class="citation-snippet">{c.snippet}</p> : null}
            <button type="button" class="link-button" onClick={() => onOpen(c)}>
              Open passage<span class="visually-hidden"> {i + 1}: {c.title}</span>
            </button>
          </li>
        ))}
      </ol>
    </section>
  )
}
