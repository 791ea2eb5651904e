import { request, requestJson } from './client.ts'
import { ENDPOINTS } from './endpoints.ts'
import { ApiError } from './errors.ts'
import { SseParser } from './sse.ts'
import type { ChatResponse, Conversation, ConversationSummary } from './types.ts'

export interface ChatRequest {
  message: string
  conversationId?: string
}

/**
 * Sends a chat message and streams the answer: `onToken` receives each text piece, the promise resolves with the
 * final `done` payload. A server that answers plain JSON instead of a stream is accepted too.
 */
export async function sendChat(body: ChatRequest, onToken: (text: string) => void, signal?: AbortSignal): Promise<ChatResponse> {
  const res = await request(ENDPOINTS.chat, {
    method: 'POST', json: body, accept: 'text/event-stream, application/json;q=0.5', ...(signal ? { signal } : {}),
  })
  if (!(res.headers.get('content-type') ?? '').includes('text/event-stream') || !res.body) {
    return (await res.json()) as ChatResponse
  }
  const parser = new SseParser()
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      for (const event of parser.push(value)) {
        const data = parseData(event.data, res.status)
        if (event.event === 'token' && typeof data.text === 'string') onToken(data.text)
        else if (event.event === 'done') return data as unknown as ChatResponse
        else if (event.event === 'error') {
          throw new ApiError(res.status, String(data.code ?? 'stream_error'), String(data.message ?? 'the answer failed'))
        }
      }
    }
  } finally {
    parser.end()
    // Stops the download if we leave early (done or error); harmless once the stream has ended.
    void reader.cancel().catch(() => undefined)
  }
  throw new ApiError(res.status, 'stream_incomplete', 'the answer stopped before it was complete; try again')
}

function parseData(data: string, status: number): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(data)
    if (value !== null && typeof value === 'object') return value as Record<string, unknown>
  } catch {
    // fall through: reported as a malformed stream below
  }
  throw new ApiError(status, 'stream_malformed', 'the answer could not be read; try again')
}

export function listConversations(): Promise<{ conversations: ConversationSummary[] }> {
  return requestJson(ENDPOINTS.conversations)
}

export function getConversation(id: string): Promise<Conversation> {
  return requestJson(ENDPOINTS.conversation(id))
}

export async function deleteConversation(id: string): Promise<void> {
  await request(ENDPOINTS.conversation(id), { method: 'DELETE' })
}
