import type { ComponentChildren } from 'preact'
import { useEffect, useId, useRef } from 'preact/hooks'

export interface ConfirmDialogProps {
  open: boolean
  title: string
  confirmLabel: string
  danger?: boolean
  busy?: boolean
  onConfirm: () => void
  onCancel: () => void
  children?: ComponentChildren
}

/**
 * A modal confirmation on the native <dialog>: the browser traps focus, Escape cancels, and focus returns to the
 * button that opened it. The safe choice (Cancel) has the initial focus for destructive actions.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (props.open && !dialog.open) dialog.showModal()
    if (!props.open && dialog.open) dialog.close()
  }, [props.open])
  return (
    <dialog ref={ref} class="dialog" aria-labelledby={titleId} onCancel={(e) => { e.preventDefault(); props.onCancel() }}>
      <form method="dialog" class="dialog-body" onSubmit={(e) => { e.preventDefault(); props.onConfirm() }}>
        <h2 id={titleId}>{props.title}</h2>
        <div class="dialog-content">{props.children}</div>
        <div class="dialog-actions">
          <button type="button" class="secondary" autofocus={props.danger} onClick={props.onCancel}>Cancel</button>
          <button type="submit" class={props.danger ? 'danger' : ''} disabled={props.busy} autofocus={!props.danger}>
            {props.busy ? 'Working…' : props.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  )
}
