import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import request from 'supertest'
import { reembedAll } from '../../ingest/reembed-job.ts'
import { retrieve } from '../../server/chat/retrieve.ts'
import { seedDemoCorpus } from '../../server/demo/seed.ts'
import { createEmbedder } from '../../server/llm/create-embedder.ts'
import { checkEmbeddings } from '../../server/retrieval/embedding-check.ts'
import { searchRoutes } from '../../server/retrieval/search.routes.ts'
import { PRINCIPALS } from '../helpers/principals.ts'
import { startTestServer, type TestServer } from '../helpers/test-server.ts'

// EMBEDDINGS_DIMENSIONS other than the default, after `npm run reembed` resized the column: searches used to be
// refused (400 invalid_embedding, "must have 384 dimensions") whatever the configuration said.
describe('search and chat retrieval with EMBEDDINGS_DIMENSIONS 64', () => {
  let s: TestServer
  before(async () => {
    s = await startTestServer({ EMBEDDINGS_DIMENSIONS: '64' }, async (t) => {
      const embedder = createEmbedder(t.config)
      await reembedAll(t.db, embedder, { batchSize: 16 })
      await seedDemoCorpus({ db: t.db, embedder, config: t.config })
      await checkEmbeddings(t.db, embedder)
      return { routers: [searchRoutes({ db: t.db, embedder })] }
    })
  })
  after(() => s.close())

  it('when alice searches, then she gets permitted results', async () => {
    const res = await request(s.app).get('/api/search').query({ q: 'incident policy plan', k: 5 })
      .set('authorization', `Bearer ${await s.token('alice')}`)
    assert.equal(res.status, 200, JSON.stringify(res.body))
    assert.equal(res.body.results.length, 5)
    assert.ok(res.body.results.every((r: { classification: string }) => r.classification !== 'restricted'))
  })

  it('when the chat pipeline retrieves passages for a question, then it searches at the configured size', async () => {
    const alice = { ...PRINCIPALS.alice, departments: [...PRINCIPALS.alice.departments], groups: [...PRINCIPALS.alice.groups], roles: [], authTime: null, amr: [] }
    const found = await retrieve({ db: s.db, embedder: createEmbedder(s.config), config: s.config }, alice, 'incident policy plan')
    assert.ok(found.results.length > 0)
  })
})
