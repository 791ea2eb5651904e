import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { listConversations } from '../../api/chat.ts'
import { isRouteMissing } from '../../api/errors.ts'
import type { Citation } from '../../api/types.ts'
import { ErrorNotice } from '../../components/error-notice.tsx'
import { Loading } from '../../components/notice.tsx'
import { Unavailable } from '../../components/unavailable.tsx'
import { navigate, PATHS } from '../../router.tsx'
import { useApi } from '../../use-api.ts'
import { Composer } from './composer.tsx'
import { ConversationList } from './conversation-list.tsx'
import { MessageView } from './message-view.tsx'
import { PassageDialog } from './passage-dialog.tsx'
import { useChat } from './use-chat.ts'

export function ChatView({ conversationId }: { conversationId: string | undefined }) {
  const list = useApi(listConversations, [])
  const onCreated = useCallback((id: string) => {
    navigate(PATHS.conversation(id), { replace: true })
    list.reload()
  }, [list.reload])
  const chat = useChat(conversationId, onCreated)
  const [passage, setPassage] = useState<Citation | undefined>()
  const endRef = useRef<HTMLDivElement>(null)
  const last = chat.messages[chat.messages.length - 1]
  useEffect(() => endRef.current?.scrollIntoView({ block: 'end' }), [chat.messages.length, last?.text])

  return (
    <div class="chat-layout">
      <ConversationList list={list} activeId={chat.conversationId} onDeleted={(id) => id === chat.conversationId && navigate(PATHS.chat)} />
      <section class="chat" aria-label="Chat">
        <h1 class="visually-hidden">Chat</h1>
        <div class="chat-log" aria-live="polite">
          {chat.loading ? <Loading label="Opening conversation" /> : null}
          {chat.loadError ? <ErrorNotice error={chat.loadError} /> : null}
          {!chat.loading && !chat.loadError && chat.messages.length === 0 ? <EmptyChat /> : null}
          {chat.messages.map((m) => <MessageView key={m.id} message={m} onOpenCitation={setPassage} />)}
        </div>
        {isRouteMissing(chat.sendError) ? <Unavailable feature="Chat" /> : chat.sendError ? <ErrorNotice error={chat.sendError} /> : null}
        <Composer onSend={chat.send} busy={chat.sending} />
        {/* Scrolling to below the composer keeps the sticky composer from covering the newest answer. */}
        <div ref={endRef} />
      </section>
      <PassageDialog citation={passage} onClose={() => setPassage(undefined)} />
    </div>
  )
}

function EmptyChat() {
  return (
    <div class="empty-chat">
      <h2>Ask your documents</h2>
      <p class="muted">Answers are drawn only from documents your clearance allows, and every answer lists its sources.</p>
    </div>
  )
}
