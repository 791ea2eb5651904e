import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { withOwner } from '../../server/db/tx.ts'
import { AppError } from '../../server/errors.ts'
import { canSee } from '../../server/policy/rule.ts'
import { MAX_QUERY_CHARS, searchChunks } from '../../server/retrieval/search.service.ts'
import { canaryMatrix, seedCanaries, type Canary } from '../helpers/canary-corpus.ts'
import { PRINCIPALS } from '../helpers/principals.ts'
import { openTestDatabase, type TestDatabase } from '../helpers/test-db.ts'

const canaries = canaryMatrix()
const byChunk = new Map(canaries.map((c) => [c.chunkId, c]))
const alice = PRINCIPALS.alice
const visible = canaries.filter((c) => canSee(alice, c.resource))
const hidden = canaries.filter((c) => !canSee(alice, c.resource))
const embedding = (visible[0] as Canary).embedding

const HOSTILE = [
  `'; DROP TABLE chunks; --`, `' OR '1'='1`, `$1 $2 $$ $tag$`, `\\' \\\\ \\0`, `%_%`, `) OR true --`,
  `!(`, `a & | b`, `"unterminated`, `<-> <2>`, `:* foo:A bar:*D`, `((((`, `!!!!`, `& | ! ( ) < > : * '`,
  `NOT OR AND or -`, `"" ''`, `\u0000nul inside\u0000`, '\u0001\u0002\u001f\u007f', '\ud800 lone surrogate \udfff',
  'emoji 🔐🗝️ and ZWJ 👩‍💻', 'RTL \u202eexe.pdf', 'combining e\u0301\u0301\u0301', 'zero\u200bwidth', '日本語の検索',
  '', '   ', '\n\t\r', '-'.repeat(MAX_QUERY_CHARS), '!('.repeat(MAX_QUERY_CHARS / 2), 'x'.repeat(MAX_QUERY_CHARS),
  `${hidden[0]?.token} OR ${visible[0]?.token}`, `-${visible[0]?.token} ${hidden[1]?.token}`, `"${hidden[2]?.token}"`,
]

describe('retrieval with hostile query text', () => {
  let t: TestDatabase
  let chunkCount = 0
  before(async () => {
    t = await openTestDatabase()
    await seedCanaries(t.db, canaries)
    chunkCount = await countChunks()
  })
  after(() => t.close())

  const countChunks = async () => withOwner(t.db, async (tx) => Number((await tx.query('SELECT count(*) AS n FROM chunks')).rows[0].n))

  it('when the text carries SQL, tsquery syntax, odd Unicode or nothing, then the search succeeds within the rule', async () => {
    for (const text of HOSTILE) {
      const r = await searchChunks(t.db, alice, { text, embedding, k: 50 })
      for (const h of r.results) {
        assert.ok(canSee(alice, (byChunk.get(h.chunkId) as Canary).resource), `forbidden row for ${JSON.stringify(text.slice(0, 40))}`)
      }
      // The vector list returns results whatever the text does: a bad text must not empty or break the search.
      assert.ok(r.results.length > 0)
    }
    assert.equal(await countChunks(), chunkCount)
  })

  it('when random strings of websearch operators and words are searched, then none fails and none leaks', async () => {
    // Runs of operators are generated on purpose: a run of 33 negations once broke PostgreSQL's tsquery parser.
    const run = (unit: string) => fc.integer({ min: 1, max: 80 }).map((n) => unit.repeat(n))
    const token = fc.oneof(
      fc.constantFrom('-', ' ', '"', 'or', 'OR', '(', ')', '!', '&', '|', ':*', '<->', 'not', 'the', 'a', "'", '\\', 'notes', (hidden[0] as Canary).token),
      run('-'), run('- '), run('(-'), run(' or'), run('"'),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 60 }).map((parts) => parts.join('').slice(0, MAX_QUERY_CHARS)), async (text) => {
        const r = await searchChunks(t.db, alice, { text, embedding, k: 10 })
        return r.results.every((h) => canSee(alice, (byChunk.get(h.chunkId) as Canary).resource))
      }),
      { numRuns: 150 },
    )
  })

  it('when websearch syntax ORs a forbidden token with a permitted one, then only the permitted chunk matches the text', async () => {
    const far = canaries.find((c) => c.resource.tenantId === 'globex') as Canary
    const r = await searchChunks(t.db, alice, { text: `${hidden[0]?.token} OR ${visible[3]?.token}`, embedding: far.embedding, k: 50 })
    const tokens = r.results.filter((h) => h.text.includes('canary')).map((h) => (byChunk.get(h.chunkId) as Canary).token)
    assert.ok(tokens.includes((visible[3] as Canary).token))
    assert.ok(!tokens.includes((hidden[0] as Canary).token))
  })

  it('when the text is longer than the limit, then the search is refused with query_too_long', async () => {
    await assert.rejects(searchChunks(t.db, alice, { text: 'a'.repeat(MAX_QUERY_CHARS + 1), embedding }), isCode('query_too_long'))
  })

  it('when the embedding has the wrong size, a non-finite value, a value beyond half precision or no direction, then it is refused', async () => {
    for (const bad of [[], embedding.slice(1), [...embedding, 0], embedding.map((x, i) => (i ? x : Number.NaN)),
      embedding.map((x, i) => (i ? x : Infinity)), embedding.map((x, i) => (i ? x : -65505)), embedding.map(() => 0)]) {
      await assert.rejects(searchChunks(t.db, alice, { text: 'x', embedding: bad }), isCode('invalid_embedding'))
    }
  })

  it('when k is outside 1..50 or not an integer, then it is refused with invalid_k', async () => {
    for (const k of [0, -1, 51, 1.5, Number.NaN]) {
      await assert.rejects(searchChunks(t.db, alice, { text: 'x', embedding, k }), isCode('invalid_k'))
    }
  })
})

function isCode(code: string) {
  return (err: unknown) => err instanceof AppError && err.code === code && err.status === 400
}
