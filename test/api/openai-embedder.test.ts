import assert from 'node:assert/strict'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, beforeEach, describe, it } from 'node:test'
import { AppError } from '../../server/errors.ts'
import { OpenAIEmbedder, type OpenAIEmbedderOptions } from '../../server/llm/openai-embedder.ts'

interface Recorded {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: { input: string | string[]; model: string; dimensions?: number; encoding_format?: string }
}

type Reply = { status: number; body: unknown } | 'hang'

/** What the stub answers for one request; by default a valid response of `defaultDimensions` per input. */
type Behaviour = (request: Recorded) => Reply

const SECRET_TEXT = 'patient Jane Roe, card 4111 1111 1111 1111'

/** The vector for "doc-<n>" starts with n, so tests can check that outputs stay in input order. */
function vectorFor(text: string, dimensions: number): number[] {
  const n = Number(/doc-(\d+)/.exec(text)?.[1] ?? -1)
  return Array.from({ length: dimensions }, (_, i) => (i === 0 ? n : 0.5))
}

function success(request: Recorded, dimensions: number): Reply {
  const inputs = Array.isArray(request.body.input) ? request.body.input : [request.body.input]
  return {
    status: 200,
    body: {
      object: 'list',
      data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: vectorFor(text, dimensions) })),
      model: request.body.model,
      usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
    },
  }
}

describe('OpenAIEmbedder against an OpenAI-compatible stub server', () => {
  let server: Server
  let baseURL: string
  const requests: Recorded[] = []
  let behaviours: Behaviour[] = []

  before(async () => {
    server = createServer((req, res) => {
      let raw = ''
      req.setEncoding('utf8')
      req.on('data', (chunk: string) => (raw += chunk))
      req.on('end', () => {
        const body = JSON.parse(raw) as Recorded['body']
        const recorded: Recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body }
        requests.push(recorded)
        const reply = (behaviours.shift() ?? ((r: Recorded) => success(r, 4)))(recorded)
        if (reply === 'hang') return
        res.writeHead(reply.status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(reply.body))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`
  })

  after(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  beforeEach(() => {
    requests.length = 0
    behaviours = []
  })

  const embedder = (opts: Partial<OpenAIEmbedderOptions> = {}) =>
    new OpenAIEmbedder({ baseURL, model: 'text-embedding-3-small', apiKey: 'sk-test-key', dimensions: 4, ...opts })

  const isAppError = (code: string) => (e: unknown) => {
    assert.ok(e instanceof AppError, String(e))
    assert.equal(e.code, code)
    assert.equal(e.status, 502)
    assert.ok(!e.message.includes('Jane') && !e.message.includes('4111'), e.message)
    return true
  }

  it('when constructed, then the model id records the model and the dimensions', () => {
    const e = embedder()
    assert.equal(e.model, 'text-embedding-3-small:4')
    assert.equal(e.dimensions, 4)
  })

  it('when 10 documents are embedded with batchSize 4, then 3 requests are sent and order is preserved', async () => {
    const texts = Array.from({ length: 10 }, (_, i) => `doc-${i}\nsecond line`)
    const vectors = await embedder({ batchSize: 4 }).embedDocuments(texts)
    assert.deepEqual(vectors.map((v) => v[0]), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    assert.equal(requests.length, 3)
    const batches = requests.map((r) => r.body.input as string[]).sort((a, b) => a[0]!.localeCompare(b[0]!))
    assert.deepEqual(batches, [texts.slice(0, 4), texts.slice(4, 8), texts.slice(8)])
    for (const r of requests) {
      assert.equal(r.method, 'POST')
      assert.equal(r.url, '/v1/embeddings')
      assert.equal(r.headers.authorization, 'Bearer sk-test-key')
      assert.equal(r.body.model, 'text-embedding-3-small')
      assert.equal(r.body.dimensions, 4)
      assert.equal(r.body.encoding_format, 'float')
    }
  })

  it('when a query is embedded, then one request carries the text unchanged', async () => {
    const vector = await embedder().embedQuery('doc-7 with\nnewline')
    assert.deepEqual(vector, [7, 0.5, 0.5, 0.5])
    assert.equal(requests.length, 1)
    assert.equal(requests[0]?.body.input, 'doc-7 with\nnewline')
  })

  it('when sendDimensions is false, then the request omits dimensions', async () => {
    await embedder({ sendDimensions: false }).embedQuery('doc-1')
    assert.equal(requests[0]?.body.dimensions, undefined)
  })

  it('when no documents are given, then no request is sent', async () => {
    assert.deepEqual(await embedder().embedDocuments([]), [])
    assert.equal(requests.length, 0)
  })

  it('when the server fails once with 500, then the request is retried and succeeds', async () => {
    behaviours = [() => ({ status: 500, body: { error: { message: 'overloaded', type: 'server_error' } } })]
    const vectors = await embedder({ maxRetries: 2 }).embedDocuments(['doc-3', 'doc-4'])
    assert.deepEqual(vectors.map((v) => v[0]), [3, 4])
    assert.equal(requests.length, 2)
    assert.deepEqual(requests[1]?.body.input, ['doc-3', 'doc-4'])
  })

  it('when the server keeps failing, then the error is embedding_provider_error after the retries', async () => {
    const fail = () => ({ status: 503, body: { error: { message: `cannot embed ${SECRET_TEXT}` } } })
    behaviours = [fail, fail]
    await assert.rejects(embedder({ maxRetries: 1 }).embedQuery(SECRET_TEXT), isAppError('embedding_provider_error'))
    assert.equal(requests.length, 2)
  })

  it('when the server rejects the request with 400, then it is not retried and no content leaks', async () => {
    behaviours = [() => ({ status: 400, body: { error: { message: `bad input: ${SECRET_TEXT}` } } })]
    const e = embedder({ maxRetries: 3 })
    await assert.rejects(e.embedDocuments([SECRET_TEXT]), isAppError('embedding_provider_error'))
    assert.equal(requests.length, 1)
  })

  it('when vectors have the wrong length, then the error is embedding_dimension_mismatch', async () => {
    behaviours = [(r) => success(r, 3)]
    await assert.rejects(embedder().embedDocuments(['doc-1']), isAppError('embedding_dimension_mismatch'))
    behaviours = [(r) => success(r, 5)]
    await assert.rejects(embedder().embedQuery('doc-1'), isAppError('embedding_dimension_mismatch'))
  })

  it('when the response has fewer vectors than inputs, then the error is embedding_provider_error', async () => {
    behaviours = [() => ({ status: 200, body: { data: [{ index: 0, embedding: [1, 2, 3, 4] }], model: 'm' } })]
    await assert.rejects(embedder().embedDocuments(['doc-1', 'doc-2']), isAppError('embedding_provider_error'))
  })

  it('when a vector holds non-numbers, then the error is embedding_provider_error', async () => {
    behaviours = [() => ({ status: 200, body: { data: [{ index: 0, embedding: [1, 'x', 3, 4] }], model: 'm' } })]
    await assert.rejects(embedder().embedQuery('doc-1'), isAppError('embedding_provider_error'))
  })

  it('when a vector holds a value beyond the half-precision range of the index, then the error is embedding_provider_error', async () => {
    behaviours = [() => ({ status: 200, body: { data: [{ index: 0, embedding: [1, 70000, 3, 4] }], model: 'm' } })]
    await assert.rejects(embedder().embedQuery('doc-1'), isAppError('embedding_provider_error'))
    behaviours = [() => ({ status: 200, body: { data: [{ index: 0, embedding: [1, 65504, -65504, 4] }], model: 'm' } })]
    assert.deepEqual(await embedder().embedQuery('doc-1'), [1, 65504, -65504, 4])
  })

  it('when the server does not answer within the timeout, then the error is embedding_provider_error', async () => {
    behaviours = [() => 'hang']
    const started = Date.now()
    const e = embedder({ timeout: 300, maxRetries: 0 })
    await assert.rejects(e.embedQuery('doc-1'), isAppError('embedding_provider_error'))
    assert.ok(Date.now() - started < 5000)
  })

  it('when nothing listens at the base URL, then the error is embedding_provider_error', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise((resolve) => closed.close(resolve))
    const e = embedder({ baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 })
    await assert.rejects(e.embedQuery('doc-1'), isAppError('embedding_provider_error'))
  })

  it('when OPENAI_LOG asks the SDK for debug output, then nothing reaches the console', async (t) => {
    const printed: unknown[] = []
    for (const level of ['debug', 'info', 'log', 'warn', 'error'] as const) {
      t.mock.method(console, level, (...args: unknown[]) => printed.push(args))
    }
    const previous = process.env.OPENAI_LOG
    process.env.OPENAI_LOG = 'debug'
    try {
      await embedder().embedQuery(SECRET_TEXT)
    } finally {
      if (previous === undefined) delete process.env.OPENAI_LOG
      else process.env.OPENAI_LOG = previous
    }
    assert.equal(requests.length, 1)
    assert.deepEqual(printed, [])
  })

  it('when options are invalid, then construction fails', () => {
    assert.throws(() => embedder({ dimensions: 0 }), RangeError)
    assert.throws(() => embedder({ baseURL: 'not a url' }), RangeError)
  })
})
