import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import request from 'supertest'
import { reembedAll } from '../../ingest/reembed-job.ts'
import { retrieve } from '../../server/chat/retrieve.ts'
import { withPrincipal, type Tx } from '../../server/db/tx.ts'
import { seedDemoCorpus } from '../../server/demo/seed.ts'
import { createEmbedder } from '../../server/llm/create-embedder.ts'
import { scopeOf } from '../../server/policy/rule.ts'
import { checkEmbeddings } from '../../server/retrieval/embedding-check.ts'
import { graphPrecision } from '../../server/retrieval/graph-precision.ts'
import { RETRIEVAL_DEFAULTS } from '../../server/retrieval/options.ts'
import { useHnswScan, vectorCandidatesHnsw } from '../../server/retrieval/search.repo.ts'
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

  it('when the HNSW route runs, then the level graphs built over the resized column serve it', async () => {
    const embedding = await createEmbedder(s.config).embedQuery('incident policy plan')
    const scope = scopeOf({ ...PRINCIPALS.alice, departments: [...PRINCIPALS.alice.departments], groups: [...PRINCIPALS.alice.groups] })
    const plans: string[] = []
    await withPrincipal(s.db, scope, async (tx) => {
      await useHnswScan(tx, RETRIEVAL_DEFAULTS)
      const explaining = {
        query: async (text: string, values?: unknown[]) => {
          const { rows } = await tx.query(`EXPLAIN ${text}`, values)
          plans.push(rows.map((r) => r['QUERY PLAN']).join('\n'))
          return { rows: [] }
        },
      } as unknown as Tx
      await vectorCandidatesHnsw(explaining, scope, `[${embedding.join(',')}]`, embedding.length, 40, graphPrecision(s.db.engine))
    })
    const plan = plans.join('\n')
    for (const level of [0, 1, 2]) assert.match(plan, new RegExp(`Index Scan using chunks_embedding_l${level}_idx`), plan)
    assert.doesNotMatch(plan, /Sort|Seq Scan on chunks/, plan)
  })
})
