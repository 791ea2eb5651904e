/** One Server-Sent Event: its type (default "message") and its data lines joined with "\n". */
export interface SseEvent {
  event: string
  data: string
}

/**
 * Incremental text/event-stream parser (WHATWG HTML, "event stream interpretation"): feed decoded text as it
 * arrives, get whole events back. Comment lines and unknown fields are ignored; an event without data is dropped.
 */
export class SseParser {
  private buffer = ''
  private event = ''
  private data: string[] = []

  push(text: string): SseEvent[] {
    this.buffer += text
    const out: SseEvent[] = []
    let match: RegExpExecArray | null
    const eol = /\r\n|\r|\n/g
    let start = 0
    while ((match = eol.exec(this.buffer)) !== null) {
      // A lone "\r" at the end may be the first half of "\r\n": wait for more input.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break
      this.line(this.buffer.slice(start, match.index), out)
      start = match.index + match[0].length
    }
    this.buffer = this.buffer.slice(start)
    return out
  }

  /** Ends the stream: a final event not followed by a blank line is discarded, as the specification says. */
  end(): void {
    this.buffer = ''
    this.event = ''
    this.data = []
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      if (this.data.length > 0) out.push({ event: this.event === '' ? 'message' : this.event, data: this.data.join('\n') })
      this.event = ''
      this.data = []
      return
    }
    if (line.startsWith(':')) return
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') this.event = value
    else if (field === 'data') this.data.push(value)
  }
}
