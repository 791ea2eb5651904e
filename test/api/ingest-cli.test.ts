import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { loadConfig } from '../../server/config.ts'
import { openMigratedDatabase } from '../../server/db/bootstrap.ts'
import { VECTOR_INDEXES } from '../../ingest/vector-index-definition.ts'
import { vectorIndexState } from '../../ingest/vector-index.ts'
import { withOwner } from '../../server/db/tx.ts'
import { makePdf } from '../helpers/make-pdf.ts'
import { serverUrl } from '../helpers/test-db.ts'

const CLI = path.resolve(import.meta.dirname, '../../ingest/cli.ts')
const TSX = import.meta.resolve('tsx')

/** Runs `npm run ingest` as a child process in `cwd` on its own embedded database. */
function runCli(cwd: string, dataDir: string, args: string[]) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir }
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], { cwd, env })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

// The CLI's own database is embedded PGlite in DATA_DIR; the server engine is covered by the pipeline tests.
describe('npm run ingest', { skip: serverUrl ? 'embedded PGlite only' : false }, () => {
  let root: string
  let dataDir: string
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-cli-'))
    dataDir = path.join(root, 'data')
    fs.mkdirSync(path.join(root, 'docs', 'sub'), { recursive: true })
    fs.writeFileSync(path.join(root, 'docs', 'a.md'), '# Alpha\n\nThe alpha launch checklist.\n')
    fs.writeFileSync(path.join(root, 'docs', 'sub', 'b.txt'), 'Beta rollout notes for the beta region.\n')
    fs.writeFileSync(path.join(root, 'docs', '.draft.md'), '# Draft\n\nNot for ingest.\n')
    fs.writeFileSync(path.join(root, 'docs', 'locked.pdf'),
      makePdf({ pages: [['Secret.']], encrypt: { userPassword: 'u-pass', ownerPassword: 'o-pass' } }))
  })
  after(() => fs.rmSync(root, { recursive: true, force: true }))

  it('when a folder is ingested, then files are reported one per line with a summary, and a rejection exits 1', async () => {
    const r = await runCli(root, dataDir, ['--tenant', 'acme', '--classification', 'internal', '--department', 'engineering', 'docs'])
    assert.equal(r.code, 1, r.stderr)
    assert.match(r.stdout, /^added\s+docs\/a\.md\s+1 chunks$/m)
    assert.match(r.stdout, /^added\s+docs\/sub\/b\.txt\s+1 chunks$/m)
    assert.match(r.stdout, /^rejected\s+docs\/locked\.pdf\s+encrypted_document: /m)
    assert.ok(!r.stdout.includes('.draft.md'), 'hidden files are skipped')
    assert.match(r.stdout, /added 2, replaced 0, unchanged 0, quarantined 0, rejected 1, failed 0, chunks 2$/m)
  })

  it('when the same files are ingested again, then they are unchanged and the exit code is 0', async () => {
    const r = await runCli(root, dataDir, ['--tenant', 'acme', '--classification', 'internal', '--department', 'engineering', 'docs/a.md', 'docs/sub'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /added 0, replaced 0, unchanged 2, quarantined 0, rejected 0, failed 0, chunks 0$/m)
  })

  it('when the arguments are wrong, then it exits 2 with the usage and stores nothing', async () => {
    for (const args of [
      ['--classification', 'internal', 'docs'],
      ['--tenant', 'acme', '--classification', 'internal'],
      ['--tenant', 'acme', '--classification', 'internal', '--colour', 'blue', 'docs'],
      ['--tenant', 'acme', '--classification', 'secret', 'docs'],
      ['--tenant', 'acme', '--classification', 'internal', '--department', 'marketing', 'docs'],
      ['--tenant', 'acme', '--classification', 'internal', '--allow', 'team:x', 'docs'],
      ['--tenant', 'acme', '--classification', 'internal', 'missing-folder'],
      ['--tenant', 'acme', '--classification', 'internal', '--title', 'T', 'docs'],
      ['--tenant', 'acme', '--classification', 'internal', '--bulk', '--no-bulk', 'docs'],
      ['--tenant', 'acme', '--classification', 'internal', '--workers', 'two', 'docs'],
      ['--tenant', 'acme', '--classification', 'internal', '--workers', '-1', 'docs'],
    ]) {
      const r = await runCli(root, dataDir, args)
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, /usage: npm run ingest/)
    }
  })

  it('when the embedded database is held by another process, then it exits 3 naming the holder', async () => {
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir })
    const db = await openMigratedDatabase(config, 'the Strongroom server')
    try {
      const r = await runCli(root, dataDir, ['--tenant', 'acme', '--classification', 'internal', 'docs/a.md'])
      assert.equal(r.code, 3)
      assert.match(r.stderr, /in use by the Strongroom server/)
      const { rows } = await withOwner(db, (tx) => tx.query(`SELECT source, created_by FROM documents ORDER BY source`))
      assert.deepEqual(rows, [{ source: 'docs/a.md', created_by: 'cli:ingest' }, { source: 'docs/sub/b.txt', created_by: 'cli:ingest' }])
    } finally {
      await db.close()
    }
  })
})

describe('npm run ingest: bulk mode and the vector index', { skip: serverUrl ? 'embedded PGlite only' : false }, () => {
  let root: string
  let dataDir: string
  const openDb = () => openMigratedDatabase(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir }), 'a test')
  const withDb = async <T>(f: (db: Awaited<ReturnType<typeof openDb>>) => Promise<T>): Promise<T> => {
    const db = await openDb()
    try {
      return await f(db)
    } finally {
      await db.close()
    }
  }
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'strongroom-cli-bulk-'))
    dataDir = path.join(root, 'data')
    fs.mkdirSync(path.join(root, 'docs'), { recursive: true })
    fs.writeFileSync(path.join(root, 'docs', 'a.md'), '# Alpha\n\nThe alpha launch checklist.\n')
    fs.writeFileSync(path.join(root, 'docs', 'b.txt'), 'Beta rollout notes for the beta region.\n')
    fs.writeFileSync(path.join(root, 'docs', 'empty.txt'), '   \n')
    fs.mkdirSync(path.join(root, 'many'))
    // About 14 chunks each: the first write batch commits while most files still wait for parsing.
    for (let i = 0; i < 150; i++) {
      fs.writeFileSync(path.join(root, 'many', `${String(i).padStart(3, '0')}.md`),
        `# Note ${i}\n\n${`Note ${i} on the canal lock rota and the harbour. `.repeat(250)}\n`)
    }
  })
  after(() => fs.rmSync(root, { recursive: true, force: true }))

  it('when --bulk is given and a file is rejected, then the index is rebuilt after the load and the exit code is 1', async () => {
    const r = await runCli(root, dataDir, ['--tenant', 'acme', '--classification', 'internal', '--bulk', 'docs'])
    assert.equal(r.code, 1, r.stderr)
    assert.match(r.stdout, /^bulk load: the vector indexes are rebuilt once after the load/m)
    assert.match(r.stdout, /^vector indexes built in /m)
    assert.match(r.stdout, /^rejected\s+docs\/empty\.txt\s+empty_document/m)
    assert.match(r.stdout, /added 2, replaced 0, unchanged 0, quarantined 0, rejected 1, failed 0, chunks 2$/m)
    assert.equal(await withDb(vectorIndexState), 'valid')
  })

  it('when a killed bulk load left the index missing, then the next run builds it before anything else', async () => {
    await withDb((db) => withOwner(db, (tx) => tx.query(`DROP INDEX ${VECTOR_INDEXES[1]?.name}`)))
    const r = await runCli(root, dataDir, ['--tenant', 'acme', '--classification', 'internal', '--no-bulk', 'docs/a.md'])
    assert.equal(r.code, 0, r.stderr)
    assert.ok(r.stdout.indexOf('building 1 vector index') < r.stdout.indexOf('unchanged'), r.stdout)
    assert.doesNotMatch(r.stdout, /bulk load/)
    assert.equal(await withDb(vectorIndexState), 'valid')
  })

  it('when run with --indexes-only, then it repairs the indexes without ingesting; with a file too, it is a usage error', async () => {
    await withDb((db) => withOwner(db, (tx) => tx.query(`DROP INDEX ${VECTOR_INDEXES[2]?.name}`)))
    const repair = await runCli(root, dataDir, ['--indexes-only'])
    assert.equal(repair.code, 0, repair.stderr)
    assert.match(repair.stdout, /^building 1 vector index /m)
    assert.doesNotMatch(repair.stdout, /added|unchanged/)
    assert.equal(await withDb(vectorIndexState), 'valid')
    const again = await runCli(root, dataDir, ['--indexes-only'])
    assert.deepEqual([again.code, again.stdout], [0, "vector indexes: complete, each built for its level's size\n"])
    const mixed = await runCli(root, dataDir, ['--indexes-only', 'docs/a.md'])
    assert.equal(mixed.code, 2)
    assert.match(mixed.stderr, /--indexes-only takes no other option or file/)
  })

  it('when a bulk load is interrupted, then it exits 130 with the index rebuilt and every stored document whole', async () => {
    const child = spawn(process.execPath, ['--import', TSX, CLI, '--tenant', 'acme', '--classification', 'internal', '--bulk', 'many'], {
      cwd: root, env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir },
    })
    let stdout = ''
    child.stdout.on('data', (d) => {
      stdout += d
      if (/^added/m.test(stdout) && child.signalCode === null && !child.killed) child.kill('SIGINT')
    })
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    assert.equal(code, 130, stdout)
    assert.match(stdout, /not started \d+ \(interrupted\)$/m)
    assert.match(stdout, /^vector indexes built in /m)
    await withDb(async (db) => {
      assert.equal(await vectorIndexState(db), 'valid')
      const { rows } = await withOwner(db, (tx) => tx.query(
        `SELECT d.source, d.chunk_count, count(c.chunk_id)::int AS chunks FROM documents d
         LEFT JOIN chunks c USING (tenant_id, document_id) WHERE d.source LIKE 'many/%' GROUP BY 1, 2`))
      assert.ok(rows.length > 0 && rows.length < 150, `${rows.length} stored`)
      for (const row of rows) assert.equal(row.chunks, row.chunk_count, row.source)
    })
  })
})
