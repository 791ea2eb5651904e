import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the stub received: the parsed JSON body of one /chat/completions request and its headers. */
export interface StubRequest {
  body: {
    model: string
    messages: Array<{ role: string; content: string }>
    stream?: boolean
    [key: string]: unknown
  }
  authorization: string | undefined
}

/** How the stub answers one request: text (split into stream chunks), or a failure. */
export type StubReply =
  | { text: string; delayMs?: number; chunkChars?: number; chunkDelayMs?: number; breakAfterChunks?: number; promptTokens?: number }
  | { status: number; delayMs?: number }
  | { hangMs: number }

/**
 * A local HTTP server speaking the OpenAI chat-completions protocol (JSON and SSE streaming, with usage), standing
 * in for a remote model. It records every request so tests can assert exactly what left Strongroom.
 */
export async function startOpenAIStub(reply: (req: StubRequest) => StubReply) {
  const requests: StubRequest[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404).end()
        return
      }
      const r: StubRequest = { body: JSON.parse(Buffer.concat(chunks).toString('utf8')), authorization: req.headers.authorization }
      requests.push(r)
      void answer(r, reply(r), res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function answer(r: StubRequest, how: StubReply, res: http.ServerResponse): Promise<void> {
  if ('hangMs' in how) {
    await sleep(how.hangMs)
    if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    return
  }
  if (how.delayMs) await sleep(how.delayMs)
  if (res.destroyed) return
  if ('status' in how) {
    res.writeHead(how.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'stub failure', type: 'server_error' } }))
    return
  }
  const prompt = how.promptTokens ?? 100
  const usage = { prompt_tokens: prompt, completion_tokens: Math.ceil(how.text.length / 4), total_tokens: prompt + Math.ceil(how.text.length / 4) }
  const base = { id: 'chatcmpl-stub', created: 1_700_000_000, model: r.body.model }
  if (!r.body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
      ...base, object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: how.text }, finish_reason: 'stop', logprobs: null }],
      usage,
    }))
    return
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' })
  const size = how.chunkChars ?? 7
  const send = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`)
  send({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })
  for (let i = 0, n = 0; i < how.text.length; i += size, n++) {
    if (how.breakAfterChunks !== undefined && n >= how.breakAfterChunks) {
      res.destroy()
      return
    }
    if (how.chunkDelayMs) await sleep(how.chunkDelayMs)
    send({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: how.text.slice(i, i + size) }, finish_reason: null }] })
  }
  send({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })
  send({ ...base, object: 'chat.completion.chunk', choices: [], usage })
  res.end('data: [DONE]\n\n')
}
