import { OpenAIEmbeddings } from '@langchain/openai'
import { AppError } from '../errors.ts'
import { MAX_EMBEDDING_COMPONENT, type Embedder } from './embeddings.ts'

export interface OpenAIEmbedderOptions {
  /** Base URL of an OpenAI-compatible API, including the version path, e.g. `https://api.openai.com/v1`. */
  baseURL: string
  /** Model name as the endpoint knows it, e.g. `text-embedding-3-small`. */
  model: string
  /** Sent as a bearer token. Endpoints without authentication accept any non-empty value. */
  apiKey: string
  /** Length of the vectors the endpoint must return; every response is checked against it. */
  dimensions: number
  /**
   * Whether to send `dimensions` in the request (models with shortenable vectors, e.g. text-embedding-3-*).
   * Default true; set false for servers that reject the parameter and only return their native size.
   */
  sendDimensions?: boolean
  /** Inputs per request; default 128. */
  batchSize?: number
  /** Retries after a failed request (5xx, 429, network, timeout), with exponential backoff; default 3. */
  maxRetries?: number
  /** Per-request timeout in milliseconds; default 30000. */
  timeout?: number
}

function providerError(error: unknown): AppError {
  if (error instanceof AppError) return error
  // Only the status and the error class survive: provider messages and bodies can echo the embedded text.
  const upstream = (error as { status?: unknown } | null)?.status
  const status = typeof upstream === 'number' ? upstream : 'none'
  const kind = error instanceof Error ? (error.name === 'Error' ? error.constructor.name : error.name) : typeof error
  const message = `embedding provider request failed (${kind}, status ${status})`
  return new AppError('embedding_provider_error', message, { status: 502 })
}

/**
 * Embeddings from any OpenAI-compatible `/embeddings` endpoint (OpenAI, Azure-compatible gateways, vLLM, Ollama,
 * LiteLLM, ...), via LangChain's OpenAIEmbeddings. Every failure surfaces as AppError `embedding_provider_error`
 * (502) and every vector of the wrong length as `embedding_dimension_mismatch` (502); neither message contains
 * request or response content.
 */
export class OpenAIEmbedder implements Embedder {
  readonly model: string
  readonly dimensions: number
  readonly #client: OpenAIEmbeddings

  constructor(opts: OpenAIEmbedderOptions) {
    if (!Number.isInteger(opts.dimensions) || opts.dimensions < 1) {
      throw new RangeError('embedding dimensions must be a positive integer')
    }
    if (!URL.canParse(opts.baseURL)) throw new RangeError('embedding baseURL must be an absolute URL')
    this.dimensions = opts.dimensions
    // The vector space depends on the requested size, so the size is part of the recorded model id.
    this.model = `${opts.model}:${opts.dimensions}`
    this.#client = new OpenAIEmbeddings({
      model: opts.model,
      apiKey: opts.apiKey,
      dimensions: opts.sendDimensions === false ? undefined : opts.dimensions,
      batchSize: opts.batchSize ?? 128,
      maxRetries: opts.maxRetries ?? 3,
      timeout: opts.timeout ?? 30_000,
      // Send text unchanged (newline stripping only helped pre-2023 models) and ask for plain floats, which every
      // compatible server supports; the openai SDK would otherwise request base64.
      stripNewLines: false,
      encodingFormat: 'float',
      // Explicit values keep the SDK from filling these in from OPENAI_* environment variables. Its own console
      // logging stays off whatever OPENAI_LOG says: at debug level it would print request bodies (document text).
      configuration: { baseURL: opts.baseURL, organization: null, project: null, logLevel: 'off' },
    })
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    if (texts.length === 0) return []
    let vectors: number[][]
    try {
      vectors = await this.#client.embedDocuments(texts)
    } catch (error) {
      throw providerError(error)
    }
    if (vectors.length !== texts.length) throw providerError(new Error('wrong number of embeddings'))
    for (const vector of vectors) this.#check(vector)
    return vectors
  }

  async embedQuery(text: string): Promise<number[]> {
    let vector: number[]
    try {
      vector = await this.#client.embedQuery(text)
    } catch (error) {
      throw providerError(error)
    }
    return this.#check(vector)
  }

  #check(vector: unknown): number[] {
    if (!Array.isArray(vector) || !vector.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw providerError(new TypeError('embedding is not an array of finite numbers'))
    }
    if (vector.some((x) => Math.abs(x) > MAX_EMBEDDING_COMPONENT)) {
      throw providerError(new RangeError(`embedding has a value beyond ±${MAX_EMBEDDING_COMPONENT}, the vector index's half-precision range`))
    }
    if (vector.length !== this.dimensions) {
      throw new AppError(
        'embedding_dimension_mismatch',
        `embedding provider returned ${vector.length} dimensions, expected ${this.dimensions}`,
        { status: 502 },
      )
    }
    return vector
  }
}
