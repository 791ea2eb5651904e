import { useEffect, useId, useRef } from 'preact/hooks'
import type { Citation } from '../../api/types.ts'
import { ClassificationBadge } from '../../components/classification-badge.tsx'

/** Shows a cited passage as plain text (document text is never rendered as markup). */
export function PassageDialog({ citation, onClose }: { citation: Citation | undefined; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (citation && !dialog.open) dialog.showModal()
    if (!citation && dialog.open) dialog.close()
  }, [citation])
  return (
    <dialog ref={ref} class="dialog passage-dialog" aria-labelledby={titleId} onClose={onClose}>
      {citation ? (
        <div class="dialog-body">
          <h2 id={titleId}>{citation.title}</h2>
          <p class="meta-line">
            <ClassificationBadge value={citation.classification} />
            {citation.page != null ? <span>Page {citation.page}</span> : null}
          </p>
          <blockquote class="passage-text">{citation.snippet ?? 'The passage text is not included with this citation.'}</blockquote>
          <div class="dialog-actions">
            <button type="button" autofocus onClick={onClose}>Close</button>
          </div>
        </div>
      ) : null}
    </dialog>
  )
}
