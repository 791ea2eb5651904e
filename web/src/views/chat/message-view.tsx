import type { Citation } from '../../api/types.ts'
import { ClassificationBadge } from '../../components/classification-badge.tsx'
import { Notice } from '../../components/notice.tsx'
import { SafeMarkdown } from '../../render/safe-markdown.tsx'
import { CitationsPanel } from './citations-panel.tsx'
import type { ChatMessage } from './use-chat.ts'

/** One turn. Questions are plain text; answers are untrusted Markdown rendered through the sanitizer. */
export function MessageView({ message, onOpenCitation }: { message: ChatMessage; onOpenCitation: (c: Citation) => void }) {
  if (message.role === 'user') {
    return (
      <article class="message message-user" aria-label="Your question">
        <p class="message-text">{message.text}</p>
      </article>
    )
  }
  return (
    <article class="message message-assistant" aria-label="Answer" aria-busy={message.streaming ? 'true' : 'false'}>
      <div class="message-meta">
        <span class="message-author">Strongroom</span>
        {message.classification != null ? <ClassificationBadge value={message.classification} label="Answer classification" /> : null}
        {message.model ? <span class="muted small-text">{message.provider} · {message.model}</span> : null}
      </div>
      {message.provider === 'extractive' ? (
        <Notice tone="info" title="Extractive mode">
          <p>No language model is configured: this answer quotes the most relevant passages instead of summarising them.</p>
        </Notice>
      ) : null}
      {message.streaming && message.text === '' ? <p class="loading" role="status">Searching your documents…</p> : null}
      <SafeMarkdown
        text={message.text}
        class="message-body"
        citations={{
          titles: message.citations.map((c) => c.title),
          open: (i) => {
            const c = message.citations[i]
            if (c) onOpenCitation(c)
          },
        }}
      />
      <CitationsPanel citations={message.citations} onOpen={onOpenCitation} />
    </article>
  )
}
