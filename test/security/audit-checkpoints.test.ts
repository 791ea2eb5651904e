import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, rmSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startCheckpointScheduler, type CheckpointRunReport } from '../../server/audit/checkpoint-scheduler.ts'
import { verifyTenantChain } from '../../server/audit/verify.ts'
import { openKms } from '../../server/crypto/kms-factory.ts'
import type { RootKeyProvider } from '../../server/crypto/kms.ts'
import { openMigratedDatabase } from '../../server/db/bootstrap.ts'
import type { Database } from '../../server/db/pool.ts'
import { withOwner } from '../../server/db/tx.ts'
import { appendEvents, asMaintenance } from '../helpers/audit-fixtures.ts'
import { runCli } from '../helpers/run-cli.ts'
import { memoryLogger } from '../helpers/silent-logger.ts'
import { openTestDatabase, testConfig, type TestDatabase } from '../helpers/test-db.ts'

const HOUR = 3_600_000

async function checkpoints(db: Database): Promise<Array<{ tenant_id: string; seq: number; key_id: string }>> {
  const { rows } = await withOwner(db, (tx) =>
    tx.query<{ tenant_id: string; seq: string; key_id: string }>('SELECT tenant_id, seq, key_id FROM audit_checkpoints ORDER BY tenant_id, seq'))
  return rows.map((r) => ({ tenant_id: r.tenant_id, seq: Number(r.seq), key_id: r.key_id }))
}

/**
 * Makes the job due now, as if its interval had passed. Call it before startCheckpointScheduler, never between the
 * start and runNow: the scheduler's first poll fires on the next turn of the event loop, and if its claim saw the job
 * not yet due while an awaited makeDue was in flight, the test's runNow would join that empty pass.
 */
const makeDue = (db: Database) => withOwner(db, (tx) => tx.query(`UPDATE job_leases SET next_run_at = now() - interval '1 second'`))

/**
 * Runs `npm run audit -- verify` against the test database. Embedded PGlite serves one process, so the test's
 * handle is closed for the CLI and reopened afterwards (closeTest then closes the reopened one); on the server both
 * simply connect.
 */
async function verifyCli(t: TestDatabase, env: Record<string, string> = {}) {
  if (t.engine === 'pglite') await t.db.close()
  const result = await runCli('audit', ['verify'], t.config, env)
  if (t.engine === 'pglite') {
    t.db = await openMigratedDatabase(t.config, 'a test')
    reopened.add(t)
  }
  return result
}
const reopened = new WeakSet<TestDatabase>()

/** TestDatabase.close() closes the handle it opened; after a reopen that one is already closed. */
async function closeTest(t: TestDatabase | undefined): Promise<void> {
  if (!t) return
  if (!reopened.has(t)) return t.close()
  await t.db.close()
  rmSync(t.config.dataDir, { recursive: true, force: true })
}

describe('scheduled audit checkpoints under the local key provider', () => {
  let t: TestDatabase
  let kms: RootKeyProvider
  before(async () => {
    t = await openTestDatabase()
    kms = await openKms(t.config)
  })
  after(async () => {
    await kms?.close()
    await closeTest(t)
  })

  it('when two instances poll the job at once and again and again, then it runs once and signs every chain once', async () => {
    await appendEvents(t.db, 'acme', 5)
    await appendEvents(t.db, 'globex', 3)
    // On the server the second instance has its own pool, as a second process would; PGlite serves one process only.
    const second = t.engine === 'postgres' ? await openMigratedDatabase(t.config, 'a second instance') : t.db
    const logs = [memoryLogger(), memoryLogger()]
    const [a, b] = [t.db, second].map((db, i) =>
      startCheckpointScheduler({ db, signer: kms, logger: logs[i]!.logger, intervalMs: HOUR, pollMs: 20 }))
    try {
      const first = await Promise.all([a!.runNow(), b!.runNow()])
      // Both keep polling every 20 ms for a while: the job is not due again within the hour.
      await new Promise((resolve) => setTimeout(resolve, 600))
      const again = await Promise.all([a!.runNow(), b!.runNow()])
      assert.equal(first.filter(Boolean).length, 1, 'exactly one instance ran the job')
      assert.deepEqual(again, [null, null])
      const ran = logs.flatMap((l) => l.lines).filter((line) => line.includes('audit checkpoints signed'))
      assert.equal(ran.length, 1, 'one run across both instances')
      assert.deepEqual(first.find(Boolean), { chains: 2, checkpointed: 2, empty: 0, failed: 0, complete: true } satisfies CheckpointRunReport)
      assert.deepEqual(await checkpoints(t.db), [
        { tenant_id: 'acme', seq: 5, key_id: kms.keyId }, { tenant_id: 'globex', seq: 3, key_id: kms.keyId },
      ])
    } finally {
      await a!.stop()
      await b!.stop()
      if (second !== t.db) await second.close()
    }
  })

  it('when the interval has passed, then the next poll signs the new heads and leaves unchanged chains alone', async () => {
    const s = startCheckpointScheduler({ db: t.db, signer: kms, logger: memoryLogger().logger, intervalMs: HOUR, pollMs: HOUR })
    try {
      await s.runNow()
      await appendEvents(t.db, 'acme', 2, 5)
      assert.equal(await s.runNow(), null, 'not due yet')
      await makeDue(t.db)
      assert.deepEqual(await s.runNow(), { chains: 2, checkpointed: 2, empty: 0, failed: 0, complete: true })
      assert.deepEqual((await checkpoints(t.db)).map((c) => `${c.tenant_id}:${c.seq}`), ['acme:5', 'acme:7', 'globex:3'])
    } finally {
      await s.stop()
    }
  })

  it('when one chain was tampered with, then the job refuses to sign it, logs it, and still signs the others', async () => {
    await appendEvents(t.db, 'acme', 1, 7)
    await appendEvents(t.db, 'globex', 1, 3)
    await asMaintenance(t.db, 'acme', (tx) => tx.query(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 8`))
    const { logger, lines } = memoryLogger()
    await makeDue(t.db)
    const s = startCheckpointScheduler({ db: t.db, signer: kms, logger, intervalMs: HOUR, pollMs: HOUR })
    try {
      assert.deepEqual(await s.runNow(), { chains: 2, checkpointed: 1, empty: 0, failed: 1, complete: true })
      assert.deepEqual((await checkpoints(t.db)).map((c) => `${c.tenant_id}:${c.seq}`), ['acme:5', 'acme:7', 'globex:3', 'globex:4'])
      assert.ok(lines.some((l) => l.includes('"tenantId":"acme"') && l.includes('audit_chain_broken')))
    } finally {
      await s.stop()
      await asMaintenance(t.db, 'acme', (tx) => tx.query(`UPDATE audit_log SET actor = 'alice' WHERE seq = 8`))
    }
  })

  it('when the log is intact, then `npm run audit -- verify` checks the signatures through the key provider and says what is covered', async () => {
    const { code, stdout, stderr } = await verifyCli(t)
    assert.equal(code, 0, stderr)
    assert.equal(stdout, 'intact: 12 entries in 2 chains\n' +
      `checkpoints: 2 of 2 chains signed, signatures verified with ${kms.keyId}; 1 entry after the last checkpoints\n`)
  })

  it('when the tail after a scheduled checkpoint is deleted, then the CLI reports the chain truncated and exits 1', async () => {
    await makeDue(t.db)
    const s = startCheckpointScheduler({ db: t.db, signer: kms, logger: memoryLogger().logger, intervalMs: HOUR, pollMs: HOUR })
    await s.runNow()
    await s.stop()
    await appendEvents(t.db, 'acme', 2, 8)
    await asMaintenance(t.db, 'acme', (tx) => tx.query('DELETE FROM audit_log WHERE seq >= 7'))
    const { code, stdout } = await verifyCli(t)
    assert.equal(code, 1)
    assert.match(stdout, /^broken: chain acme: truncated at entry 7: the chain ends at entry 6 but a checkpoint was signed at entry 7/m)
    assert.match(stdout, /^broken: 1 of 2 chains$/m)
  })

  it('when a checkpoint signature is forged, then the CLI and the API verifier report it', async () => {
    await asMaintenance(t.db, 'globex', (tx) => tx.query(`UPDATE audit_checkpoints SET signature = $1 WHERE seq = 4`, [randomBytes(32)]))
    const report = await verifyTenantChain(t.db, 'globex', [kms])
    assert.deepEqual({ seq: report.firstProblem?.seq, kind: report.firstProblem?.kind }, { seq: 4, kind: 'truncated' })
    assert.match(report.firstProblem!.detail, /invalid signature/)
    const { code, stdout } = await verifyCli(t)
    assert.equal(code, 1)
    assert.match(stdout, /^broken: chain globex: truncated at entry 4: the checkpoint at entry 4 has an invalid signature$/m)
  })

  it('when the chain is long, then the request-path verifier walks it in slices and still finds every checkpoint', async () => {
    await appendEvents(t.db, 'sliced', 23)
    await makeDue(t.db)
    const s = startCheckpointScheduler({ db: t.db, signer: kms, logger: memoryLogger().logger, intervalMs: HOUR, pollMs: HOUR })
    await s.runNow()
    await s.stop()
    const intact = await verifyTenantChain(t.db, 'sliced', [kms], { sliceEntries: 4 })
    assert.deepEqual([intact.count, intact.firstProblem, intact.lastCheckpoint?.seq], [23, undefined, 23])
    await asMaintenance(t.db, 'sliced', (tx) => tx.query('DELETE FROM audit_log WHERE seq > 20'))
    const cut = await verifyTenantChain(t.db, 'sliced', [kms], { sliceEntries: 4 })
    assert.deepEqual([cut.count, cut.firstProblem?.seq, cut.firstProblem?.kind], [20, 21, 'truncated'])
  })
})

const LIBRARY = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so'].find((path) => existsSync(path))
const hasUtil = spawnSync('softhsm2-util', ['--version']).status === 0
const skip = !hasUtil || !LIBRARY ? 'SoftHSM2 is not installed (need softhsm2-util and libsofthsm2.so): apt-get install softhsm2' : false

describe('scheduled audit checkpoints signed inside a PKCS#11 token (SoftHSM2)', { skip }, () => {
  let dir: string
  let t: TestDatabase
  let hsm: RootKeyProvider
  const env = { KMS_PROVIDER: 'pkcs11', PKCS11_LIBRARY: LIBRARY!, PKCS11_TOKEN_LABEL: 'strongroom-audit', PKCS11_PIN: '4321' }
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strongroom-audit-hsm-'))
    await mkdir(join(dir, 'tokens'))
    const conf = join(dir, 'softhsm2.conf')
    await writeFile(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`)
    // Read by SoftHSM2 at C_Initialize and passed on to the CLI by runCli; set before anything opens the library.
    process.env.SOFTHSM2_CONF = conf
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', 'strongroom-audit', '--pin', '4321', '--so-pin', '8765'], { stdio: 'pipe' })
    t = await openTestDatabase({ env })
    hsm = await openKms(t.config)
  })
  after(async () => {
    await hsm?.close()
    await closeTest(t)
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('when the job signs with the token, then the CLI verifies through it; a forged signature and a local-key checkpoint are refused', async () => {
    assert.equal(hsm.kind, 'pkcs11')
    await appendEvents(t.db, 'acme', 4)
    const s = startCheckpointScheduler({ db: t.db, signer: hsm, logger: memoryLogger().logger, intervalMs: HOUR, pollMs: HOUR })
    try {
      assert.deepEqual(await s.runNow(), { chains: 1, checkpointed: 1, empty: 0, failed: 0, complete: true })
    } finally {
      await s.stop()
    }
    assert.deepEqual(await checkpoints(t.db), [{ tenant_id: 'acme', seq: 4, key_id: hsm.keyId }])
    const intact = await verifyCli(t, env)
    assert.equal(intact.code, 0, intact.stderr)
    assert.match(intact.stdout, /signatures verified with pkcs11:token=strongroom-audit;object=strongroom-root; 0 entries after/)

    // The signature is an HMAC inside the token: a local key of the same shape cannot produce or check it.
    const localConfig = testConfig()
    const local = await openKms(localConfig)
    assert.equal((await verifyTenantChain(t.db, 'acme', [local])).firstProblem?.kind, 'truncated')
    await local.close()
    rmSync(localConfig.dataDir, { recursive: true, force: true })

    await asMaintenance(t.db, 'acme', (tx) => tx.query('UPDATE audit_checkpoints SET signature = $1', [randomBytes(32)]))
    const forged = await verifyCli(t, env)
    assert.equal(forged.code, 1)
    assert.match(forged.stdout, /^broken: chain acme: truncated at entry 4: the checkpoint at entry 4 has an invalid signature$/m)
  })
})
