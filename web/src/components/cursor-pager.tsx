import { useState } from 'preact/hooks'

/**
 * Page-by-page navigation over a cursor API (`nextCursor` leads to the next page, there is no way back): the
 * cursors of the pages already seen are kept, so Previous returns to exactly the page the user saw.
 */
export function useCursorPages() {
  const [stack, setStack] = useState<Array<string | undefined>>([undefined])
  return {
    cursor: stack[stack.length - 1],
    page: stack.length,
    next: (cursor: string) => setStack([...stack, cursor]),
    previous: () => setStack(stack.length > 1 ? stack.slice(0, -1) : stack),
    reset: () => setStack([undefined]),
  }
}

export function CursorPager(props: { page: number; count: number; nextCursor: string | null; onNext: (cursor: string) => void; onPrevious: () => void; label: string }) {
  return (
    <div class="pager">
      <span class="muted small-text" role="status">Page {props.page} · {props.count} {props.label}</span>
      <button type="button" class="secondary small" disabled={props.page <= 1} onClick={props.onPrevious}>Previous</button>
      <button type="button" class="secondary small" disabled={props.nextCursor === null} onClick={() => props.nextCursor && props.onNext(props.nextCursor)}>Next</button>
    </div>
  )
}
