import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, it } from 'node:test'
import { ALLOW_ENTRY, sameAttributes, validateAttributes } from '../../ingest/attributes.ts'
import { collectFiles, readCapped, sourceOf } from '../../ingest/cli-files.ts'
import { embeddingInput } from '../../ingest/embed.ts'
import { findingsAudit, sortedCounts } from '../../ingest/findings.ts'
import { effectivePolicy } from '../../ingest/scan-document.ts'
import type { IngestInput } from '../../ingest/types.ts'
import { loadConfig } from '../../server/config.ts'

const config = loadConfig({})
const input = (o: Partial<IngestInput> = {}): IngestInput => ({
  tenantId: 'acme', bytes: Buffer.alloc(0), fileName: 'x', source: 'x', classification: 'internal',
  departments: [], allow: [], actor: 'cli:ingest', ...o,
})
const code = (c: string) => ({ code: c, status: 400 })

describe('ingest attributes', () => {
  it('when attributes are valid, then lists are trimmed, deduplicated and sorted and the level is numeric', () => {
    const a = validateAttributes(input({
      classification: 'confidential', departments: ['hr', ' finance', 'hr'], allow: ['user:b@x.io', 'group:eng-all', 'user:b@x.io'],
    }), config)
    assert.deepEqual(a, { classification: 2, departments: ['finance', 'hr'], allowedPrincipals: ['group:eng-all', 'user:b@x.io'] })
  })

  it('when allow entries are malformed, then they do not match the pattern', () => {
    for (const bad of ['user:', 'team:x', 'user:a b', 'group:a,b', `user:${'a'.repeat(129)}`, 'USER:x', 'user:x\n']) {
      assert.equal(ALLOW_ENTRY.test(bad), false, bad)
    }
    for (const good of ['user:alice', 'group:eng-all', 'user:a.b@example.com', `group:${'g'.repeat(128)}`]) assert.ok(ALLOW_ENTRY.test(good))
  })

  it('when the classification is missing, then a configured default applies, else it is refused', () => {
    assert.throws(() => validateAttributes(input({ classification: undefined }), config), code('classification_required'))
    const withDefault = loadConfig({ INGEST_DEFAULT_CLASSIFICATION: 'restricted' })
    assert.equal(validateAttributes(input({ classification: undefined }), withDefault).classification, 3)
  })

  it('when tenant, source, title or list sizes are out of bounds, then each has its code', () => {
    assert.throws(() => validateAttributes(input({ tenantId: '../x' }), config), code('invalid_tenant'))
    assert.throws(() => validateAttributes(input({ source: '' }), config), code('invalid_source'))
    assert.throws(() => validateAttributes(input({ source: 'a\u202Eb' }), config), code('invalid_source'))
    assert.throws(() => validateAttributes(input({ title: '   ' }), config), code('invalid_title'))
    assert.throws(() => validateAttributes(input({ departments: Array(65).fill('hr') }), config), code('too_many_departments'))
    assert.throws(() => validateAttributes(input({ departments: ['Finance'] }), config), code('unknown_department'))
  })

  it('when stored attributes are compared, then order does not matter and an explicit title must match', () => {
    const stored = { classification: 1, departments: ['hr', 'finance'], allowedPrincipals: [], title: 'T' }
    assert.ok(sameAttributes(stored, { classification: 1, departments: ['finance', 'hr'], allowedPrincipals: [] }))
    assert.ok(!sameAttributes(stored, { classification: 2, departments: ['finance', 'hr'], allowedPrincipals: [] }))
    assert.ok(!sameAttributes(stored, { classification: 1, departments: ['finance'], allowedPrincipals: [] }))
    assert.ok(!sameAttributes(stored, { classification: 1, departments: ['finance', 'hr'], allowedPrincipals: [], title: 'U' }))
  })
})

describe('ingest helpers', () => {
  it('when a tenant override is absent, known or unknown, then the policy is the default, the override or quarantine', () => {
    assert.equal(effectivePolicy(null, 'flag'), 'flag')
    assert.equal(effectivePolicy('redact', 'flag'), 'redact')
    assert.equal(effectivePolicy('off', 'flag'), 'quarantine')
  })

  it('when findings are serialized, then zero counts vanish, keys are sorted and odd types are bucketed', () => {
    assert.deepEqual(sortedCounts({ b: 1, a: 2, z: 0 }), { a: 2, b: 1 })
    assert.deepEqual(findingsAudit({ PHONE: 2, EMAIL: 1 }), { findingTypes: ['EMAIL', 'PHONE'], findingCounts: [1, 2] })
  })

  it('when a chunk is prepared for embedding, then title and heading path come first', () => {
    assert.equal(embeddingInput('Doc', ['A', 'B'], 'text'), 'Doc\nA > B\ntext')
    assert.equal(embeddingInput('Doc', [], 'text'), 'Doc\ntext')
  })

  it('when folders are collected, then hidden entries and nested links are skipped and sources are relative', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-files-'))
    try {
      fs.mkdirSync(path.join(root, 'd', '.git'), { recursive: true })
      fs.writeFileSync(path.join(root, 'd', 'b.md'), 'b')
      fs.writeFileSync(path.join(root, 'd', 'a.txt'), 'a')
      fs.writeFileSync(path.join(root, 'd', '.env'), 'x')
      fs.writeFileSync(path.join(root, 'd', '.git', 'HEAD'), 'x')
      fs.symlinkSync(path.join(root, 'd', 'a.txt'), path.join(root, 'd', 'link.txt'))
      const files = collectFiles(['d', 'd/a.txt'], root)
      assert.deepEqual(files.map((f) => f.source), ['d/a.txt', 'd/b.md'])
      assert.throws(() => collectFiles(['nope'], root), /no such file/)
      assert.equal(sourceOf('/elsewhere/x.md', root), '/elsewhere/x.md')
      assert.equal(readCapped(path.join(root, 'd', 'b.md'), 10).toString(), 'b')
      fs.writeFileSync(path.join(root, 'big'), 'x'.repeat(100))
      assert.equal(readCapped(path.join(root, 'big'), 11).length, 11)
    } finally {
      fs.rmSync(root, { recursive: true, force: true })
    }
  })
})
