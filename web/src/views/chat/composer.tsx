import { useId, useState } from 'preact/hooks'

const MAX_LENGTH = 4000

/** The message box: Enter sends, Shift+Enter starts a new line; the text comes back if sending failed. */
export function Composer({ onSend, busy }: { onSend: (text: string) => Promise<boolean>; busy: boolean }) {
  const [text, setText] = useState('')
  const id = useId()
  const submit = async () => {
    const message = text.trim()
    if (message === '' || busy) return
    setText('')
    if (!(await onSend(message))) setText(message)
  }
  return (
    <form class="composer" onSubmit={(e) => { e.preventDefault(); void submit() }}>
      <label for={id} class="visually-hidden">Your question</label>
      <textarea
        id={id}
        name="message"
        rows={3}
        maxLength={MAX_LENGTH}
        placeholder="Ask a question about your documents…"
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault()
            void submit()
          }
        }}
      />
      <div class="composer-bar">
        <span class="muted small-text">Enter to send, Shift+Enter for a new line</span>
        <button type="submit" disabled={busy || text.trim() === ''}>{busy ? 'Answering…' : 'Send'}</button>
      </div>
    </form>
  )
}
