import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { withOwner, type Tx } from '../../server/db/tx.ts'
import { resizeColumn } from '../../ingest/reembed.repo.ts'
import { prng } from '../helpers/synthetic-corpus.ts'
import { insertDocuments, insertTenants } from '../helpers/seed-chunks.ts'
import { openTestDatabase, type TestDatabase } from '../helpers/test-db.ts'

/** Words drawn at random, so that the text neither compresses nor fits the row with the embedding. */
function text(chars: number, seed: number): string {
  const next = prng(seed)
  const words: string[] = []
  for (let n = 0; n < chars; n += 9) words.push(Math.floor(next() * 0xffffffff).toString(36))
  return words.join(' ')
}

/** Values of the table's only chunk row that PostgreSQL stored out of line (one TOAST value id each). */
async function toastedValues(tx: Tx): Promise<number> {
  const { rows } = await tx.query<{ toast: string }>(`SELECT reltoastrelid::regclass::text AS toast FROM pg_class WHERE oid = 'chunks'::regclass`)
  const { rows: counted } = await tx.query<{ n: number }>(`SELECT count(DISTINCT chunk_id)::int AS n FROM ${rows[0]?.toast}`)
  return counted[0]?.n ?? -1
}

async function storeOneChunk(tx: Tx, dimensions: number, chars: number): Promise<void> {
  await tx.query('DELETE FROM documents')
  await insertDocuments(tx, [{
    tenantId: 'acme', documentId: randomUUID(), title: `Quarterly engineering and finance review ${'of the platform '.repeat(4)}`,
    classification: 1, departments: ['engineering', 'finance'], allowedPrincipals: ['group:eng-all', 'user:alice'], quarantined: false,
    chunks: [{
      chunkId: randomUUID(), text: text(chars, dimensions), headingPath: ['Platform', 'Quarterly review', 'Costs and risks'],
      embedding: Array.from({ length: dimensions }, (_, i) => Math.sin(i + 1)),
    }],
  }])
}

// migrations/0013 and 0017: the vector and the columns the access rule reads stay in the heap row.
describe('chunk row layout', () => {
  let t: TestDatabase
  before(async () => {
    t = await openTestDatabase()
    await withOwner(t.db, (tx) => insertTenants(tx, ['acme']))
  })
  after(() => t.close())

  it('when a chunk row passes the TOAST threshold with 384 dimensions, then only its text and tsvector go out of line', async () => {
    await withOwner(t.db, (tx) => storeOneChunk(tx, 384, 3000))
    assert.equal(await withOwner(t.db, toastedValues), 2)
  })

  it('when the embedding column is resized to 1,536 dimensions, then the vector and the rule columns stay in the row', async () => {
    await withOwner(t.db, async (tx) => {
      await tx.query('DELETE FROM documents')
      await resizeColumn(tx, 1536)
      await storeOneChunk(tx, 1536, 800)
    })
    // The text and the tsvector; before migrations/0017 also title, heading_path, departments and allowed_principals.
    assert.equal(await withOwner(t.db, toastedValues), 2)
  })
})
