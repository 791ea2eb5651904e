import { useState } from 'preact/hooks'
import { deleteConversation } from '../../api/chat.ts'
import type { ConversationSummary } from '../../api/types.ts'
import { ClassificationBadge } from '../../components/classification-badge.tsx'
import { ConfirmDialog } from '../../components/confirm-dialog.tsx'
import { ErrorNotice } from '../../components/error-notice.tsx'
import { Loading } from '../../components/notice.tsx'
import { formatDate, formatShortDate } from '../../format.ts'
import { Link, PATHS } from '../../router.tsx'
import type { Loadable } from '../../use-api.ts'

interface Props {
  list: Loadable<{ conversations: ConversationSummary[] }> & { reload: () => void }
  activeId: string | undefined
  onDeleted: (id: string) => void
}

export function ConversationList({ list, activeId, onDeleted }: Props) {
  const [target, setTarget] = useState<ConversationSummary | undefined>()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const remove = async () => {
    if (!target) return
    setBusy(true)
    setError(undefined)
    try {
      await deleteConversation(target.conversationId)
      onDeleted(target.conversationId)
      setTarget(undefined)
      list.reload()
    } catch (err) {
      setError(err)
      setTarget(undefined)
    } finally {
      setBusy(false)
    }
  }
  return (
    <nav class="conversations" aria-label="Conversations">
      <div class="conversations-head">
        <h2>History</h2>
        <Link href={PATHS.chat} class="button small">New chat</Link>
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      {list.state === 'loading' ? <Loading label="Loading history" /> : null}
      {list.state === 'unavailable' ? <p class="muted small-text">History is not available on this server.</p> : null}
      {list.state === 'error' ? <ErrorNotice error={list.error} onRetry={list.reload} /> : null}
      {list.state === 'ready' && list.data.conversations.length === 0 ? <p class="muted small-text">No conversations yet.</p> : null}
      {list.state === 'ready' ? (
        <ul class="conversation-list">
          {list.data.conversations.map((c) => (
            <li key={c.conversationId} class={c.conversationId === activeId ? 'active' : ''}>
              <Link href={PATHS.conversation(c.conversationId)} current={c.conversationId === activeId} class="conversation-link">
                <span class="conversation-title">{c.title || 'Untitled conversation'}</span>
                <span class="conversation-meta">
                  <ClassificationBadge value={c.classification} />
                  <time dateTime={c.updatedAt} title={formatDate(c.updatedAt)}>{formatShortDate(c.updatedAt)}</time>
                </span>
              </Link>
              <button type="button" class="icon-button" onClick={() => setTarget(c)} aria-label={`Delete conversation ${c.title}`}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <ConfirmDialog
        open={target !== undefined} title="Delete this conversation?" confirmLabel="Delete" danger busy={busy}
        onConfirm={() => void remove()} onCancel={() => setTarget(undefined)}
      >
        <p>“{target?.title}” and its answers will be permanently deleted. This cannot be undone.</p>
      </ConfirmDialog>
    </nav>
  )
}
