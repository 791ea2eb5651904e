import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { openMigratedDatabase } from '../../server/db/bootstrap.ts'
import { appendEvents, asMaintenance } from '../helpers/audit-fixtures.ts'
import { serverUrl, testConfig } from '../helpers/test-db.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** Runs `npm run audit -- <args>` as its script line does, against an embedded database in `dataDir`. */
function runCli(args: string[], dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  // Only what the CLI needs: no DATABASE_URL or TEST_DATABASE_URL leaks in from the test run.
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir }
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'server/cli/audit.ts', ...args], { cwd: ROOT, env, timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? -1) : 0, stdout, stderr }))
  })
}

// The CLI opens its own embedded database, so these run once, on the PGlite pass.
describe('audit CLI', { skip: serverUrl ? 'embedded-database test; runs without TEST_DATABASE_URL' : false }, () => {
  it('when the data directory is new, then verify creates the database and reports an empty intact log', async () => {
    const config = testConfig()
    try {
      const { code, stdout } = await runCli(['verify'], config.dataDir)
      assert.equal(stdout, 'intact: 0 entries in 0 chains\n')
      assert.equal(code, 0)
    } finally {
      fs.rmSync(config.dataDir, { recursive: true, force: true })
    }
  })

  it('when the log is intact, then verify prints the count and exits 0; once tampered, the problem and exit 1', async () => {
    const config = testConfig()
    try {
      let db = await openMigratedDatabase(config, 'a test')
      await appendEvents(db, 'acme', 3)
      await appendEvents(db, 'globex', 2)
      await db.close()

      const intact = await runCli(['verify'], config.dataDir)
      assert.deepEqual([intact.code, intact.stdout], [0, 'intact: 5 entries in 2 chains\ncheckpoints: none yet; 5 entries are not covered by a signature\n'])
      const one = await runCli(['verify', '--tenant', 'globex'], config.dataDir)
      assert.deepEqual([one.code, one.stdout], [0, 'intact: 2 entries in 1 chain\ncheckpoints: none yet; 2 entries are not covered by a signature\n'])

      db = await openMigratedDatabase(config, 'a test')
      await asMaintenance(db, 'acme', (tx) => tx.query(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 2`))
      await db.close()

      const broken = await runCli(['verify'], config.dataDir)
      assert.equal(broken.code, 1)
      assert.match(broken.stdout, /^broken: chain acme: modified at entry 2: .+\nbroken: 1 of 2 chains\n$/)
    } finally {
      fs.rmSync(config.dataDir, { recursive: true, force: true })
    }
  })

  it('when the server holds the embedded database, then verify explains and exits 3', async () => {
    const config = testConfig()
    const db = await openMigratedDatabase(config, 'the Strongroom server')
    try {
      const { code, stderr } = await runCli(['verify'], config.dataDir)
      assert.equal(code, 3)
      assert.match(stderr, /in use by the Strongroom server/)
    } finally {
      await db.close()
      fs.rmSync(config.dataDir, { recursive: true, force: true })
    }
  })

  it('when the command or an option is unknown, then it prints usage and exits 2', async () => {
    const config = testConfig()
    try {
      for (const args of [[], ['repair'], ['verify', '--all'], ['verify', 'extra']]) {
        const { code, stderr } = await runCli(args, config.dataDir)
        assert.equal(code, 2, args.join(' '))
        assert.match(stderr, /usage: npm run audit -- verify/)
      }
    } finally {
      fs.rmSync(config.dataDir, { recursive: true, force: true })
    }
  })
})
