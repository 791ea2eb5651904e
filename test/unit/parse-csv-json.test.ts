import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CSV_ROWS_PER_SECTION, MAX_CSV_ROWS } from '../../ingest/parse/parse-csv.ts'
import { MAX_JSON_DEPTH } from '../../ingest/parse/parse-json.ts'
import { DEFAULT_PARSE_LIMITS, parseDocument, type ParseLimits } from '../../ingest/parse/parse.ts'

const parse = (text: string, fileName?: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS) =>
  parseDocument(Buffer.from(text), { limits, ...(fileName === undefined ? {} : { fileName }) })
const rejectsWith = (code: string) => ({ name: 'BadRequestError', code, status: 400 })

describe('parseDocument for CSV', () => {
  it('when a CSV has a header, then each row is rendered as "header: value" pairs', async () => {
    const doc = await parse('name;team;note\nAlice;Red;"multi\nline; with delimiter"\nBob;;plain\n', 'staff.csv')
    assert.equal(doc.format, 'csv')
    assert.deepEqual(doc.sections, [{
      text: 'name: Alice; team: Red; note: multi line; with delimiter\nname: Bob; note: plain',
      headingPath: [],
    }])
  })

  it('when rows exceed one section, then they are grouped into sections of a fixed size', async () => {
    const rows = Array.from({ length: CSV_ROWS_PER_SECTION * 2 + 1 }, (_, i) => `${i},v${i}`)
    const doc = await parse(`id,value\n${rows.join('\n')}\n`)
    assert.deepEqual(doc.sections.map((s) => s.text.split('\n').length), [CSV_ROWS_PER_SECTION, CSV_ROWS_PER_SECTION, 1])
    assert.equal(doc.sections[2]!.text, `id: ${CSV_ROWS_PER_SECTION * 2}; value: v${CSV_ROWS_PER_SECTION * 2}`)
  })

  it('when a CSV has more rows than the cap, then it is rejected as text_too_long', async () => {
    const body = 'a,b\n'.repeat(MAX_CSV_ROWS + 1)
    await assert.rejects(parse(`x,y\n${body}`), rejectsWith('text_too_long'))
  })

  it('when long headers would repeat on every row, then the character limit stops it while rendering', async () => {
    const header = `${'h'.repeat(5000)},${'g'.repeat(5000)}`
    const limits = { ...DEFAULT_PARSE_LIMITS, maxTextChars: 100_000 }
    await assert.rejects(parse(`${header}\n${'1,2\n'.repeat(50)}`, 'a.csv', limits), rejectsWith('text_too_long'))
  })

  it('when quotes are unbalanced, then it is rejected as corrupt_document without echoing content', async () => {
    const error = await parse('a,b\n1,"secret value\n', 'a.csv').catch((err: Error) => err)
    assert.ok(error instanceof Error)
    assert.equal((error as { code?: string }).code, 'corrupt_document')
    assert.doesNotMatch(error.message, /secret/)
  })
})

describe('parseDocument for JSON', () => {
  it('when the root is an object, then each top-level key is a section of flattened paths', async () => {
    const doc = await parse(JSON.stringify({
      service: { name: 'vault', ports: [8200, 8201], tls: { enabled: true } },
      'odd key.with dots': null,
      empty: {},
      tags: ['a', 'b'],
    }), 'config.json')
    assert.equal(doc.format, 'json')
    assert.deepEqual(doc.sections.map((s) => [s.headingPath, s.text]), [
      [['service'], 'service.name: vault\nservice.ports[0]: 8200\nservice.ports[1]: 8201\nservice.tls.enabled: true'],
      [['odd key.with dots'], '["odd key.with dots"]: null'],
      [['empty'], 'empty: {}'],
      [['tags'], 'tags[0]: a\ntags[1]: b'],
    ])
  })

  it('when the root is an array, then it is one section', async () => {
    const doc = await parse('[{"id": 1, "name": "x"}, "plain"]')
    assert.deepEqual(doc.sections, [{ text: '[0].id: 1\n[0].name: x\n[1]: plain', headingPath: [] }])
  })

  it('when nesting exceeds the depth cap, then it is rejected', async () => {
    const ok = `${'['.repeat(MAX_JSON_DEPTH)}1${']'.repeat(MAX_JSON_DEPTH)}`
    assert.equal((await parse(ok)).format, 'json')
    const deep = `${'['.repeat(MAX_JSON_DEPTH + 1)}1${']'.repeat(MAX_JSON_DEPTH + 1)}`
    await assert.rejects(parse(deep), rejectsWith('unsupported_format'))
    const veryDeep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`
    await assert.rejects(parse(veryDeep), rejectsWith('unsupported_format'))
  })

  it('when long key paths would repeat on every leaf, then the character limit stops it while flattening', async () => {
    const key = 'k'.repeat(10_000)
    const limits = { ...DEFAULT_PARSE_LIMITS, maxTextChars: 100_000 }
    await assert.rejects(parse(JSON.stringify({ [key]: Array(100).fill(1) }), 'a.json', limits), rejectsWith('text_too_long'))
  })
})
