import assert from 'node:assert/strict'
import fs from 'node:fs'
import { describe, it } from 'node:test'
import type { Config } from '../../server/config.ts'
import { openMigratedDatabase } from '../../server/db/bootstrap.ts'
import { appendEvents, asMaintenance } from '../helpers/audit-fixtures.ts'
import { runCli } from '../helpers/run-cli.ts'
import { serverUrl, testConfig } from '../helpers/test-db.ts'

/** Runs `npm run audit -- <args>` against the embedded database of `config`. */
const audit = (args: string[], config: Config) => runCli('audit', args, config)

// The CLI opens its own embedded database, so these run once, on the PGlite pass.
describe('audit CLI', { skip: serverUrl ? 'embedded-database test; runs without TEST_DATABASE_URL' : false }, () => {
  it('when the data directory is new, then verify creates the database and reports an empty intact log', async () => {
    const config = testConfig()
    try {
      const { code, stdout, stderr } = await audit(['verify'], config)
      assert.deepEqual([code, stdout], [0, 'intact: 0 entries in 0 chains\n'], stderr)
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

      const intact = await audit(['verify'], config)
      assert.deepEqual([intact.code, intact.stdout], [0, 'intact: 5 entries in 2 chains\ncheckpoints: none yet; 5 entries are not covered by a signature\n'], intact.stderr)
      const one = await audit(['verify', '--tenant', 'globex'], config)
      assert.deepEqual([one.code, one.stdout], [0, 'intact: 2 entries in 1 chain\ncheckpoints: none yet; 2 entries are not covered by a signature\n'], one.stderr)

      db = await openMigratedDatabase(config, 'a test')
      await asMaintenance(db, 'acme', (tx) => tx.query(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 2`))
      await db.close()

      const broken = await audit(['verify'], config)
      assert.equal(broken.code, 1, broken.stderr)
      assert.match(broken.stdout, /^broken: chain acme: modified at entry 2: .+\nbroken: 1 of 2 chains\n$/)
    } finally {
      fs.rmSync(config.dataDir, { recursive: true, force: true })
    }
  })

  it('when the server holds the embedded database, then verify explains and exits 3', async () => {
    const config = testConfig()
    const db = await openMigratedDatabase(config, 'the Strongroom server')
    try {
      const { code, stderr } = await audit(['verify'], config)
      assert.equal(code, 3, stderr)
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
        const { code, stderr } = await audit(args, config)
        assert.equal(code, 2, `${args.join(' ')}: ${stderr}`)
        assert.match(stderr, /usage: npm run audit -- verify/)
      }
    } finally {
      fs.rmSync(config.dataDir, { recursive: true, force: true })
    }
  })
})
