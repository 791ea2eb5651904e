import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AppError } from '../../server/errors.ts'
import { LocalHashEmbedder, LOCAL_EMBEDDER_MAX_CHARS, embedLexical } from '../../server/llm/local-embedder.ts'

const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0))
const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] as number), 0) / (norm(a) * norm(b))

const KEYS = 'Encryption keys are rotated every ninety days by the security team and old keys are destroyed.'
const KEYS_PARAPHRASE = 'The security team rotates the encryption keys every 90 days; retired keys get destroyed.'
const LUNCH = 'The cafeteria serves vegetarian lunch on Fridays, with soup and fresh bread for all staff.'

describe('LocalHashEmbedder', () => {
  it('when constructed without options, then it uses 384 dimensions and records them in the model id', () => {
    const embedder = new LocalHashEmbedder()
    assert.equal(embedder.dimensions, 384)
    assert.equal(embedder.model, 'local-hash-v1:384')
  })

  it('when dimensions are configured, then every vector has exactly that length', async () => {
    const embedder = new LocalHashEmbedder({ dimensions: 64 })
    assert.equal(embedder.model, 'local-hash-v1:64')
    const vectors = await embedder.embedDocuments([KEYS, LUNCH, 'x'])
    assert.deepEqual(vectors.map((v) => v.length), [64, 64, 64])
    assert.equal((await embedder.embedQuery(KEYS)).length, 64)
  })

  it('when dimensions are out of range or fractional, then construction fails', () => {
    for (const dimensions of [0, 1, 16001, 12.5, Number.NaN]) {
      assert.throws(() => new LocalHashEmbedder({ dimensions }), RangeError)
      assert.throws(() => embedLexical('text', dimensions), RangeError)
    }
  })

  it('when the same text is embedded twice, in any batch, then the vectors are identical', async () => {
    const embedder = new LocalHashEmbedder()
    const [a] = await embedder.embedDocuments([KEYS])
    const [, b] = await embedder.embedDocuments([LUNCH, KEYS])
    assert.deepEqual(a, b)
    assert.deepEqual(await embedder.embedQuery(KEYS), a)
  })

  it('when a known text is embedded, then the vector matches the recorded one (the hash space never drifts)', () => {
    const v = embedLexical('Access review', 8)
    const expected = [0.1627, -0.3906, 0.1627, -0.6509, 0.3255, -0.4882, 0, -0.1627]
    assert.deepEqual(v.map((x) => Math.round(x * 1e4) / 1e4), expected)
  })

  it('when text has words, then the vector has unit length', () => {
    for (const text of [KEYS, LUNCH, 'a', 'Ünïcödé ｆｕｌｌｗｉｄｔｈ テキスト 𝐁𝐨𝐥𝐝 😀 ok', 'x'.repeat(5000)]) {
      assert.ok(Math.abs(norm(embedLexical(text, 384)) - 1) < 1e-9, text.slice(0, 20))
    }
  })

  it('when text has no letters or digits, then the vector is all zeros', () => {
    for (const text of ['', '   ', '?!…', '😀😀']) assert.ok(embedLexical(text, 32).every((x) => x === 0))
  })

  it('when two texts share vocabulary, then they are closer than an unrelated text', () => {
    const keys = embedLexical(KEYS, 384)
    const related = cosine(keys, embedLexical(KEYS_PARAPHRASE, 384))
    const unrelated = cosine(keys, embedLexical(LUNCH, 384))
    assert.ok(related > unrelated + 0.2, `related ${related} vs unrelated ${unrelated}`)
    // No shared word at all: only the character n-grams of "rotat" and "key" connect these two.
    const inflected = cosine(embedLexical('rotating keys', 384), embedLexical('key rotation', 384))
    assert.ok(inflected > cosine(embedLexical('rotating keys', 384), embedLexical('lunch menu', 384)) + 0.1)
  })

  it('when text differs only in case and Unicode compatibility forms, then the vectors are equal', () => {
    assert.deepEqual(embedLexical('ＦＩＬＥ Ｓｅｒｖｅｒ', 128), embedLexical('file server', 128))
    assert.deepEqual(embedLexical('ﬁle', 128), embedLexical('FILE', 128))
  })

  it('when word order changes, then bigrams make the vectors differ but stay close', () => {
    const a = embedLexical('access denied for user', 384)
    const b = embedLexical('user for denied access', 384)
    assert.notDeepEqual(a, b)
    assert.ok(cosine(a, b) > 0.7)
  })

  it('when a word repeats, then its weight grows sublinearly', () => {
    const once = embedLexical('audit', 384)
    const many = embedLexical('audit '.repeat(50) + 'log', 384)
    const logOnly = embedLexical('log', 384)
    assert.ok(cosine(many, logOnly) > 0.15, 'fifty repetitions must not drown a single other word')
    assert.ok(cosine(many, once) > cosine(many, logOnly))
  })

  it('when text is longer than the limit, then embedding fails with a typed error', () => {
    assert.throws(
      () => embedLexical('a'.repeat(LOCAL_EMBEDDER_MAX_CHARS + 1), 16),
      (e: unknown) => e instanceof AppError && e.code === 'embedding_input_too_large' && e.status === 413,
    )
  })

  it('when many documents are embedded, then the event loop gets turns in between', async () => {
    let ticks = 0
    const timer = setInterval(() => ticks++, 0)
    await new LocalHashEmbedder().embedDocuments(Array.from({ length: 3000 }, (_, i) => `${KEYS} ${i}`))
    clearInterval(timer)
    assert.ok(ticks > 0)
  })
})
