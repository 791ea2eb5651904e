import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ingestFile } from '../../ingest/pipeline.ts'
import { makeDocx, makeDocxZip } from '../helpers/make-docx.ts'
import { makePdf } from '../helpers/make-pdf.ts'
import { auditEvents, ingestDeps, ingestInput, storedRows } from '../helpers/ingest-fixtures.ts'
import { openTestDatabase, type TestDatabase } from '../helpers/test-db.ts'

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='

describe('ingest pipeline: every rejection leaves nothing stored', () => {
  let t: TestDatabase
  before(async () => {
    t = await openTestDatabase()
  })
  after(() => t.close())

  async function expectRejected(code: string, overrides: Parameters<typeof ingestInput>[0], config = t.config) {
    const auditBefore = (await auditEvents(t.db)).length
    const r = await ingestFile({ ...ingestDeps(t), config }, ingestInput({ source: `reject/${code}`, ...overrides }))
    assert.equal(r.status, 'rejected', code)
    assert.equal(r.reason?.code, code)
    assert.equal(r.chunks, 0)
    assert.equal(r.documentId, undefined)
    const { documents, chunks } = await storedRows(t.db)
    assert.equal(documents.length, 0, `${code}: no document`)
    assert.equal(chunks.length, 0, `${code}: no chunk`)
    const events = (await auditEvents(t.db)).slice(auditBefore)
    assert.deepEqual(events.map((e) => [e.type, e.outcome, e.data.reason]), [['document.ingest', 'failure', code]])
  }

  it('when no classification is given and no default is configured, then the file is refused', async () => {
    await expectRejected('classification_required', { classification: undefined })
  })

  it('when the attributes are invalid, then each is refused with its own code', async () => {
    await expectRejected('invalid_classification', { classification: 'top-secret' })
    await expectRejected('unknown_department', { departments: ['marketing'] })
    await expectRejected('invalid_allow_entry', { allow: ['team:eng'] })
    await expectRejected('invalid_allow_entry', { allow: ['user:'] })
    await expectRejected('invalid_source', { source: 'bad\u0000source' })
    await expectRejected('invalid_title', { title: 'x'.repeat(301) })
  })

  it('when the file cannot be parsed, then the parser code is returned', async () => {
    await expectRejected('unsupported_format', { bytes: Buffer.from(PNG, 'base64'), fileName: 'x.png' })
    await expectRejected('empty_document', { bytes: Buffer.from('# Title only\n') })
    await expectRejected('encrypted_document', {
      bytes: makePdf({ pages: [['Secret numbers.']], encrypt: { userPassword: 'u-pass', ownerPassword: 'o-pass' } }),
      fileName: 'x.pdf',
    })
    const docx = await makeDocx([{ text: 'Truncated.' }])
    await expectRejected('corrupt_document', { bytes: docx.subarray(0, docx.length - 40), fileName: 'x.docx' })
    const bomb = makeDocxZip([{ text: 'Looks harmless.' }])
    bomb.file('word/media/image1.bin', Buffer.alloc(8 * 1024 * 1024))
    await expectRejected('zip_bomb_suspected', { bytes: await bomb.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }), fileName: 'x.docx' })
  })

  it('when the file exceeds the configured size or page limit, then it is refused', async () => {
    const small = { ...t.config, ingest: { ...t.config.ingest, maxFileBytes: 64, maxPages: 1 } }
    await expectRejected('file_too_large', { text: 'x'.repeat(65) }, small)
    await expectRejected('too_many_pages', { bytes: makePdf({ pages: [['one'], ['two']] }), fileName: 'x.pdf' },
      { ...small, ingest: { ...small.ingest, maxFileBytes: 1_000_000 } })
  })

  it('when a default classification is configured, then a file without one gets it', async () => {
    const config = { ...t.config, ingest: { ...t.config.ingest, defaultClassification: 'restricted' as const } }
    const r = await ingestFile({ ...ingestDeps(t), config }, ingestInput({ source: 'default/cls.md', classification: undefined }))
    assert.equal(r.status, 'added')
    const { documents } = await storedRows(t.db)
    assert.equal(documents[0]?.classification, 3)
  })
})
