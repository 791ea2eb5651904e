import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { loadConfig } from '../../server/config.ts'
import { ConfigError } from '../../server/errors.ts'

describe('config', () => {
  it('when the environment is empty, then embedded defaults apply', () => {
    const c = loadConfig({})
    assert.equal(c.port, 3000)
    assert.equal(c.env, 'development')
    assert.equal(c.dataDir, path.resolve('./data'))
    assert.equal(c.database.url, undefined)
    assert.equal(c.publicUrl, 'http://localhost:3000')
    assert.equal(c.logLevel, 'info')
  })

  it('when several variables are invalid, then one error lists every problem', () => {
    assert.throws(
      () => loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', NODE_ENV: 'staging' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError)
        const joined = err.problems.join('\n')
        for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'NODE_ENV']) assert.match(joined, new RegExp(name))
        return true
      },
    )
  })

  it('when PORT is out of range, then it is refused', () => {
    assert.throws(() => loadConfig({ PORT: '70000' }), /PORT/)
  })

  it('when PUBLIC_URL has a trailing slash or TRUST_PROXY a list, then both are normalized', () => {
    const c = loadConfig({ PUBLIC_URL: 'https://chat.example.com/', TRUST_PROXY: '10.0.0.1, 10.0.0.2' })
    assert.equal(c.publicUrl, 'https://chat.example.com')
    assert.deepEqual(c.trustProxy, ['10.0.0.1', '10.0.0.2'])
  })

  it('when an empty string is given, then the default is used as if unset', () => {
    assert.equal(loadConfig({ PORT: '' }).port, 3000)
  })
})

describe('config: ingest and embeddings', () => {
  it('when nothing is set, then ingest and embedding defaults apply and unlabelled documents are refused', () => {
    const c = loadConfig({})
    assert.deepEqual(c.ingest, {
      chunkSize: 1000, chunkOverlap: 150, maxFileBytes: 25 * 1024 * 1024, maxPages: 500,
      departments: ['engineering', 'finance', 'hr', 'legal', 'sales', 'operations'],
      defaultClassification: undefined, scanPolicy: 'flag',
    })
    assert.equal(c.embeddings.provider, 'local')
    assert.equal(c.embeddings.dimensions, 384)
    assert.equal(c.embeddings.apiKey, undefined)
    assert.equal(c.embeddings.batchSize, 128)
  })

  it('when the ingest variables are set, then they are parsed and the department list deduplicated', () => {
    const c = loadConfig({
      INGEST_CHUNK_SIZE: '500', INGEST_CHUNK_OVERLAP: '0', INGEST_DEPARTMENTS: 'eng,ops,eng',
      INGEST_DEFAULT_CLASSIFICATION: 'restricted', INGEST_SCAN_POLICY: 'quarantine',
    })
    assert.equal(c.ingest.chunkSize, 500)
    assert.equal(c.ingest.chunkOverlap, 0)
    assert.deepEqual(c.ingest.departments, ['eng', 'ops'])
    assert.equal(c.ingest.defaultClassification, 'restricted')
    assert.equal(c.ingest.scanPolicy, 'quarantine')
  })

  it('when the overlap is not smaller than the chunk size, then it is refused', () => {
    assert.throws(() => loadConfig({ INGEST_CHUNK_SIZE: '200', INGEST_CHUNK_OVERLAP: '200' }), /INGEST_CHUNK_OVERLAP/)
  })

  it('when an ingest value is outside its set, then each problem is named', () => {
    assert.throws(
      () => loadConfig({
        INGEST_DEFAULT_CLASSIFICATION: 'secret', INGEST_SCAN_POLICY: 'ignore', INGEST_DEPARTMENTS: 'eng,,hr',
        EMBEDDINGS_DIMENSIONS: '4096', EMBEDDINGS_PROVIDER: 'cohere',
      }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError)
        const joined = err.problems.join('\n')
        for (const name of ['INGEST_DEFAULT_CLASSIFICATION', 'INGEST_SCAN_POLICY', 'INGEST_DEPARTMENTS',
          'EMBEDDINGS_DIMENSIONS', 'EMBEDDINGS_PROVIDER']) assert.match(joined, new RegExp(name))
        return true
      },
    )
  })

  it('when the openai provider is chosen without an API key, then it is refused; with one, it is accepted', () => {
    assert.throws(() => loadConfig({ EMBEDDINGS_PROVIDER: 'openai' }), /EMBEDDINGS_API_KEY: required/)
    const c = loadConfig({
      EMBEDDINGS_PROVIDER: 'openai', EMBEDDINGS_API_KEY: 'sk-test-key', EMBEDDINGS_BASE_URL: 'http://127.0.0.1:9999/v1/',
      EMBEDDINGS_MODEL: 'nomic-embed-text', EMBEDDINGS_DIMENSIONS: '768', EMBEDDINGS_BATCH_SIZE: '16',
    })
    assert.deepEqual(c.embeddings, {
      provider: 'openai', dimensions: 768, baseUrl: 'http://127.0.0.1:9999/v1', model: 'nomic-embed-text',
      apiKey: 'sk-test-key', batchSize: 16,
    })
  })

  it('when the embedding base URL is not http(s), then it is refused', () => {
    assert.throws(() => loadConfig({ EMBEDDINGS_BASE_URL: 'file:///etc/passwd' }), /EMBEDDINGS_BASE_URL/)
  })
})
