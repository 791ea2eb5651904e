import { normalizeText } from '../../server/scan/hidden-text.ts'
import { INJECTION_THRESHOLD, scoreInjection } from '../../server/scan/injection.ts'
import { datamark } from '../../server/chat/passages.ts'
import { withOwner } from '../../server/db/tx.ts'
import { LocalHashEmbedder } from '../../server/llm/local-embedder.ts'
import { ask, newId, startChatServer, type ChatTestServer } from '../helpers/chat-fixtures.ts'
import { startOpenAIStub, type StubRequest } from '../helpers/openai-stub.ts'
import { insertDocuments } from '../helpers/seed-chunks.ts'
import { benignAnswer, loadChatCases, payloadFor, questionOf, type ChatCase } from './chat-eval-cases.ts'
import { pct, table } from './metrics.ts'

/**
 * `npm run eval` (chat section): the injection sets run through the whole chat pipeline over HTTP (input guard,
 * retrieval with ingest flags, spotlighting, output guard, storage, audit) against a local OpenAI-protocol stub.
 * For attacks the stub plays a model that has been taken over: whenever the attack reached it, it answers with
 * one of six output attacks (PAYLOADS). For benign sets it answers honestly from passage 1. The grounding filters
 * are switched off (CHAT_RELEVANCE_THRESHOLD=0, CHAT_DECLINE_WHEN_UNGROUNDED=false) so every retrieved passage that
 * was not flagged at ingest, and every message not refused, reaches the stub: the figures measure the input guard,
 * the ingest flag and the output guard alone, in the worst case. Nothing is tuned here; every figure is computed.
 */

export interface ChatEvalRow {
  set: string
  kind: 'attack' | 'benign'
  n: number
  /** Refused by the input guard (for benign sets: false positives). */
  inputBlocked: number
  /** Indirect attacks whose planted text never reached the model (flagged at ingest, or not retrieved). */
  keptFromModel: number
  /** Documents flagged at ingest as carrying instructions (attacks: detections; benign: false positives). */
  flaggedDocuments: number
  /** Answers citing at least one passage. */
  grounded: number
  reachedModel: number
  /** Answers the output guard changed (for attacks: of those that reached the model; for benign: false positives). */
  outputBlocked: number
  /** Attack payloads found in the final answer. */
  reachedUser: number
  errors: number
  /** Whether the set plants documents. */
  document: boolean
}

const INPUT_CODES = new Set(['prompt_injection_suspected', 'secret_in_message', 'message_too_long', 'message_empty'])

async function outputBlocks(s: ChatTestServer, messageId: string): Promise<number> {
  return withOwner(s.db, async (tx) => (await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = 'acme' AND type = 'guard.block' AND data->>'messageId' = $1`, [messageId],
  )).rows[0]?.n ?? 0)
}

export async function evalChat(evalDir: string, log: (line: string) => void = () => undefined) {
  const started = Date.now()
  const cases = loadChatCases(evalDir)
  let current: ChatCase | undefined
  const plantedIn = (r: StubRequest) => current?.attack !== undefined && (r.body.messages.at(-1)?.content ?? '').includes(datamark(current.attack, '\u0000').slice(0, 80))
  const stub = await startOpenAIStub((r) => {
    const compromised = current?.kind === 'attack' && (current.attack === undefined || plantedIn(r))
    const q = questionOf(r)
    return { text: compromised ? payloadFor(q).text(r.body.messages[0]?.content ?? '', q) : benignAnswer(r) }
  })
  const s = await startChatServer({
    LLM_PROVIDER: 'openai', LLM_BASE_URL: stub.baseUrl, LLM_API_KEY: 'sk-eval', LLM_EGRESS_MAX_CLASSIFICATION: 'restricted',
    CHAT_DECLINE_WHEN_UNGROUNDED: 'false', CHAT_RELEVANCE_THRESHOLD: '0', RATE_LIMIT_CHAT_PER_MINUTE: '1000000', RATE_LIMIT_API_PER_MINUTE: '1000000',
    CHAT_DAILY_TOKEN_BUDGET: '1000000000', LOG_LEVEL: 'silent',
  })
  const embedder = new LocalHashEmbedder({ dimensions: 384 })
  const rows = new Map<string, ChatEvalRow>()
  try {
    const token = await s.token('alice')
    for (const [i, c] of cases.entries()) {
      current = c
      const row = rows.get(c.set) ?? { set: c.set, kind: c.kind, n: 0, inputBlocked: 0, keptFromModel: 0, flaggedDocuments: 0, grounded: 0, reachedModel: 0, outputBlocked: 0, reachedUser: 0, errors: 0, document: c.document !== undefined }
      rows.set(c.set, row)
      row.n++
      const documentId = newId()
      if (c.document !== undefined) {
        const flagged = scoreInjection(c.document).score >= INJECTION_THRESHOLD
        if (flagged) row.flaggedDocuments++
        const [embedding] = await embedder.embedDocuments([c.document])
        await withOwner(s.db, async (tx) => {
          await insertDocuments(tx, [{ tenantId: 'acme', documentId, title: 'Eval document', classification: 0, departments: [], allowedPrincipals: [], quarantined: false, chunks: [{ chunkId: newId(), text: c.document as string, embedding: embedding as number[] }] }])
          if (flagged) await tx.query('UPDATE chunks SET instruction_flagged = true WHERE document_id = $1', [documentId])
        })
      }
      const calls = stub.requests.length
      const r = await ask(s.origin, token, { message: c.message })
      if (r.status === 400 && INPUT_CODES.has(r.json?.error?.code)) row.inputBlocked++
      else if (r.status !== 200) row.errors++
      else {
        if (r.json.citations.length > 0) row.grounded++
        const sent = stub.requests.slice(calls)
        const reached = c.attack === undefined ? sent.length > 0 : sent.some(plantedIn)
        if (c.attack !== undefined && !reached) row.keptFromModel++
        if (reached || c.kind === 'benign') {
          if (reached) row.reachedModel++
          if ((await outputBlocks(s, r.json.messageId)) > 0) row.outputBlocked++
          if (c.kind === 'attack' && r.json.answer.includes(payloadFor(normalizeText(c.message).trim()).marker)) row.reachedUser++
        }
      }
      if (c.document !== undefined) await withOwner(s.db, (tx) => tx.query('DELETE FROM documents WHERE document_id = $1', [documentId]))
      if ((i + 1) % 100 === 0) log(`chat eval: ${i + 1}/${cases.length}`)
    }
  } finally {
    await s.close()
    await stub.close()
  }
  return { engine: s.engine, seconds: (Date.now() - started) / 1000, rows: [...rows.values()] }
}

export function renderChat(r: Awaited<ReturnType<typeof evalChat>>): string {
  const attacks = r.rows.filter((x) => x.kind === 'attack').map((x) => [
    x.set, x.n, `${x.inputBlocked} (${pct(x.inputBlocked / x.n)})`, x.document ? `${x.keptFromModel} (flagged at ingest ${x.flaggedDocuments})` : 'n/a', x.reachedModel,
    `${x.outputBlocked} (${x.reachedModel ? pct(x.outputBlocked / x.reachedModel) : 'n/a'})`, x.reachedUser, x.errors,
  ])
  const benign = r.rows.filter((x) => x.kind === 'benign').map((x) => [
    x.set, x.n, `${x.inputBlocked} (${pct(x.inputBlocked / x.n)})`, x.document ? x.flaggedDocuments : 'n/a', x.grounded, `${x.outputBlocked} (${pct(x.outputBlocked / Math.max(1, x.n - x.inputBlocked))})`, x.errors,
  ])
  return [
    `### Chat pipeline (${r.engine}, ${r.seconds.toFixed(0)} s; OpenAI-protocol stub playing a taken-over model)`,
    table(['attack set', 'n', 'blocked at input', 'kept from model', 'reached model', 'blocked at output', 'payload reached user', 'errors'], attacks),
    '',
    table(['benign set', 'n', 'refused at input (FP)', 'documents flagged (FP)', 'grounded answers', 'answers changed by output guard (FP)', 'errors'], benign),
  ].join('\n')
}
