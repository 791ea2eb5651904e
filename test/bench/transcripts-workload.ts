import type { Principal } from '../../server/auth/principal.ts'
import type { Database } from '../../server/db/pool.ts'
import type { Keyring } from '../../server/keys/keyring.ts'
import { appendMessages, getConversation, startConversation } from '../../server/transcripts/index.ts'
import type { NewMessage } from '../../server/transcripts/transcript-types.ts'
import { citation } from '../helpers/transcript-fixtures.ts'

/**
 * The conversation every transcripts benchmark tenant stores: a title and five exchanges of a question and an
 * answer citing two snippets, ten messages in all. The raw AES-GCM floor is measured on exactly these plaintexts.
 */
export const QUESTION = 'Which class may I book for a four hour flight to the Lisbon office next month?'
export const ANSWER = 'According to the travel policy, economy class applies to flights under six hours; business class '.repeat(6)
export const CITATIONS = [citation('Economy class for flights under six hours.'), citation('Business class needs director approval.')]
export const EXCHANGES = 5
export const MESSAGES_PER_CONVERSATION = EXCHANGES * 2
const USERS = 20

const EXCHANGE: NewMessage[] = [
  { role: 'user', text: QUESTION, classification: 'public' },
  { role: 'assistant', text: ANSWER, classification: 'internal', citations: CITATIONS, provider: 'extractive', model: 'x' },
]

export const titleOf = (i: number) => `Conversation ${i}`

/** The plaintexts one conversation seals (title, then each message body and its citations), in store order. */
export function conversationPlaintexts(i: number): Buffer[] {
  const values = [Buffer.from(titleOf(i))]
  for (let k = 0; k < EXCHANGES; k++) {
    values.push(Buffer.from(QUESTION), Buffer.from(ANSWER), Buffer.from(JSON.stringify(CITATIONS)))
  }
  return values
}

export function principal(tenantId: string, i: number): Principal {
  return { userId: `u${i % USERS}`, tenantId, clearance: 'restricted', departments: [], groups: [], roles: ['employee'], authTime: null, amr: [] }
}

export interface Deps { db: Database; keyring: Keyring }
export interface StoredConversation { id: string; owner: Principal }

export interface StoreResult {
  made: StoredConversation[]
  messages: number
  seconds: number
  messagesPerSecond: number
  /** CPU of this Node process per message: envelope encryption, SQL building, driver; not the server's. */
  nodeCpuMicrosPerMessage: number
}

/**
 * Stores about `messages` messages for a tenant through the transcript store (startConversation, then one
 * appendMessages per exchange, each its own transaction with the real envelope encryption), `concurrency` in flight.
 */
export async function store(deps: Deps, tenantId: string, messages: number, concurrency: number): Promise<StoreResult> {
  const conversations = Math.max(1, Math.ceil(messages / MESSAGES_PER_CONVERSATION))
  const made: StoredConversation[] = []
  let next = 0
  const cpu = process.cpuUsage()
  const started = performance.now()
  const worker = async () => {
    for (let i = next++; i < conversations; i = next++) {
      const owner = principal(tenantId, i)
      const { conversationId } = await startConversation(deps, owner, titleOf(i))
      for (let k = 0; k < EXCHANGES; k++) await appendMessages(deps, owner, conversationId, EXCHANGE)
      made.push({ id: conversationId, owner })
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  const stored = conversations * MESSAGES_PER_CONVERSATION
  return {
    made, messages: stored, seconds, messagesPerSecond: stored / seconds,
    nodeCpuMicrosPerMessage: (used.user + used.system) / stored,
  }
}

/**
 * Reads and decrypts the given conversations (getConversation: title, bodies, citations) with `concurrency` in
 * flight, after dropping the tenant's cached key so its unwrap is part of the cost. Every conversation must come
 * back whole: a missing or short one means the figure would be measuring something else.
 */
export async function load(deps: Deps, sample: StoredConversation[], concurrency: number) {
  for (const tenantId of new Set(sample.map((c) => c.owner.tenantId))) deps.keyring.forget(tenantId)
  let messages = 0
  let next = 0
  const cpu = process.cpuUsage()
  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < sample.length; i = next++) {
      const detail = await getConversation(deps, sample[i]!.owner, sample[i]!.id)
      if (detail?.messages.length !== MESSAGES_PER_CONVERSATION) throw new Error(`conversation ${i} did not load whole`)
      messages += detail.messages.length
    }
  }))
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  return {
    conversations: sample.length, messages, seconds, messagesPerSecond: messages / seconds,
    nodeCpuMicrosPerMessage: (used.user + used.system) / messages,
  }
}
