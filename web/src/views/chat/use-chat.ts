import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { getConversation, sendChat } from '../../api/chat.ts'
import type { Citation, Classification } from '../../api/types.ts'

export interface ChatMessage {
  id: string
  role: 'user' | 'assistant'
  text: string
  citations: Citation[]
  classification?: Classification | number | null
  provider?: string
  model?: string
  streaming?: boolean
}

interface ChatState {
  conversationId: string | undefined
  messages: ChatMessage[]
  loading: boolean
  loadError: unknown
  sendError: unknown
  sending: boolean
}

const EMPTY: ChatState = { conversationId: undefined, messages: [], loading: false, loadError: undefined, sendError: undefined, sending: false }
let localIds = 0

/**
 * One conversation: loads it when the route names one, sends messages and streams the answer into the last
 * assistant message. Token updates are batched per animation frame so a fast stream does not re-render per token.
 */
export function useChat(routeId: string | undefined, onCreated: (id: string) => void) {
  const [state, setState] = useState<ChatState>(EMPTY)
  const current = useRef<string | undefined>(undefined)

  useEffect(() => {
    if (routeId === current.current) return
    current.current = routeId
    if (routeId === undefined) {
      setState(EMPTY)
      return
    }
    setState({ ...EMPTY, conversationId: routeId, loading: true })
    getConversation(routeId)
      .then((c) => {
        if (current.current !== routeId) return
        const messages = c.messages.map((m): ChatMessage => ({
          id: m.messageId, role: m.role, text: m.text, citations: m.citations ?? [], classification: m.classification,
          ...(m.provider ? { provider: m.provider } : {}), ...(m.model ? { model: m.model } : {}),
        }))
        setState({ ...EMPTY, conversationId: routeId, messages })
      })
      .catch((loadError: unknown) => current.current === routeId && setState({ ...EMPTY, conversationId: routeId, loadError }))
  }, [routeId])

  const send = useCallback(async (text: string): Promise<boolean> => {
    const pendingId = `local-${++localIds}`
    const userMessage: ChatMessage = { id: `${pendingId}-q`, role: 'user', text, citations: [] }
    const pending: ChatMessage = { id: pendingId, role: 'assistant', text: '', citations: [], streaming: true }
    setState((s) => ({ ...s, sending: true, sendError: undefined, messages: [...s.messages, userMessage, pending] }))
    let streamed = ''
    let frame = 0
    const flush = () => {
      frame = 0
      setState((s) => ({ ...s, messages: s.messages.map((m) => (m.id === pendingId ? { ...m, text: streamed } : m)) }))
    }
    try {
      const conversationId = current.current
      const result = await sendChat({ message: text, ...(conversationId ? { conversationId } : {}) }, (piece) => {
        streamed += piece
        frame ||= requestAnimationFrame(flush)
      })
      cancelAnimationFrame(frame)
      const answer: ChatMessage = {
        id: result.messageId, role: 'assistant', text: result.answer, citations: result.citations ?? [],
        classification: result.classification, provider: result.provider, model: result.model,
      }
      setState((s) => ({
        ...s, sending: false, conversationId: result.conversationId,
        messages: s.messages.map((m) => (m.id === pendingId ? answer : m)),
      }))
      if (result.conversationId !== conversationId) {
        current.current = result.conversationId
        onCreated(result.conversationId)
      }
      return true
    } catch (sendError) {
      cancelAnimationFrame(frame)
      setState((s) => ({
        ...s, sending: false, sendError,
        messages: s.messages.filter((m) => m.id !== pendingId && m.id !== userMessage.id),
      }))
      return false
    }
  }, [onCreated])

  return { ...state, send }
}
