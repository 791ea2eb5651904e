import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { writeCheckpoint } from '../../server/audit/checkpoint.service.ts'
import { entryHash, GENESIS_HASH, type HashedEntry } from '../../server/audit/hash.ts'
import { verifyChain } from '../../server/audit/verify.ts'
import { readCheckpoints } from '../../server/audit/audit.repo.ts'
import { walkChain } from '../../server/audit/walk.ts'
import { withOwner, withTenant } from '../../server/db/tx.ts'
import { appendEvents, asMaintenance, chainRows, hmacKey, T0 } from '../helpers/audit-fixtures.ts'
import { openTestDatabase, type TestDatabase } from '../helpers/test-db.ts'

/**
 * Each case plays an attacker who holds the break-glass maintenance role (or the application's INSERT right) and
 * edits one fresh 8-entry chain with plain SQL, then checks what the verifier reports.
 */
describe('audit chain tampering', () => {
  let t: TestDatabase
  let n = 0
  const key = hmacKey()
  before(async () => {
    t = await openTestDatabase()
  })
  after(() => t.close())

  async function freshChain(entries = 8): Promise<string> {
    const tenant = `victim-${++n}`
    await appendEvents(t.db, tenant, entries)
    return tenant
  }

  async function firstProblem(tenant: string) {
    const result = await verifyChain(t.db, tenant, key)
    assert.equal(result.status, 'broken')
    const { seq, kind } = result.tenants[0]!.firstProblem!
    return { seq, kind }
  }

  /** Renumbers entries from `from` on by `by` without touching their hashes; two steps keep the key unique. */
  const shift = (tenant: string, from: number, by: number) =>
    asMaintenance(t.db, tenant, async (tx) => {
      await tx.query('UPDATE audit_log SET seq = seq + 1000000 WHERE seq >= $1', [from])
      await tx.query('UPDATE audit_log SET seq = seq - 1000000 + $2 WHERE seq >= 1000000 + $1', [from, by])
    })

  it('when nothing was touched, then the chain is intact with its count and verified checkpoints', async () => {
    const tenant = await freshChain()
    assert.equal((await writeCheckpoint(t.db, tenant, key))?.seq, 8)
    const result = await verifyChain(t.db, tenant, key)
    const { lastCheckpoint, ...report } = result.tenants[0]!
    assert.deepEqual({ ...result, tenants: [report] }, { status: 'intact', tenants: [{ tenantId: tenant, count: 8 }], checkpointSignatures: 'verified' })
    assert.deepEqual({ seq: lastCheckpoint?.seq, keyId: lastCheckpoint?.keyId }, { seq: 8, keyId: key.keyId })
  })

  it('when one entry’s data is edited, then verification reports it modified at that seq', async () => {
    const tenant = await freshChain()
    await asMaintenance(t.db, tenant, (tx) => tx.query(`UPDATE audit_log SET data = '{"documentId":"other"}' WHERE seq = 4`))
    assert.deepEqual(await firstProblem(tenant), { seq: 4, kind: 'modified' })
  })

  it('when a timestamp is moved by one microsecond, then verification reports it modified', async () => {
    const tenant = await freshChain()
    await asMaintenance(t.db, tenant, (tx) =>
      tx.query(`UPDATE audit_log SET occurred_at = occurred_at + interval '1 microsecond' WHERE seq = 6`))
    assert.deepEqual(await firstProblem(tenant), { seq: 6, kind: 'modified' })
  })

  it('when a middle entry is deleted, then verification reports it deleted at that seq', async () => {
    const tenant = await freshChain()
    await asMaintenance(t.db, tenant, (tx) => tx.query('DELETE FROM audit_log WHERE seq = 4'))
    assert.deepEqual(await firstProblem(tenant), { seq: 4, kind: 'deleted' })
  })

  it('when a middle entry is deleted and later entries renumbered to close the gap, then it is reported deleted', async () => {
    const tenant = await freshChain()
    await asMaintenance(t.db, tenant, (tx) => tx.query('DELETE FROM audit_log WHERE seq = 4'))
    await shift(tenant, 5, -1)
    assert.deepEqual(await firstProblem(tenant), { seq: 4, kind: 'deleted' })
  })

  it('when a correctly hashed forged entry is inserted and later entries renumbered, then it is reported inserted', async () => {
    const tenant = await freshChain()
    const rows = await chainRows(t.db, tenant)
    await shift(tenant, 4, 1)
    const forged: HashedEntry = {
      tenantId: tenant, seq: 4, occurredAt: new Date(T0 + 3500).toISOString(), type: 'legal_hold.release',
      actor: 'alice', outcome: 'success', data: { holdId: 'h-1' },
    }
    const prevHash = rows[2]!.hash
    // The application role may INSERT: a compromised server can write any row, hashed by the public algorithm.
    await withTenant(t.db, tenant, 'app', (tx) =>
      tx.query(
        `INSERT INTO audit_log (tenant_id, seq, occurred_at, type, actor, outcome, data, prev_hash, hash)
         VALUES ($1, 4, $2, $3, $4, $5, $6, $7, $8)`,
        [tenant, forged.occurredAt, forged.type, forged.actor, forged.outcome, forged.data, prevHash, entryHash(prevHash, forged)],
      ))
    assert.deepEqual(await firstProblem(tenant), { seq: 4, kind: 'inserted' })
  })

  it('when two entries swap places, then verification reports the chain reordered at the earlier one', async () => {
    const tenant = await freshChain()
    await asMaintenance(t.db, tenant, (tx) =>
      tx.query(`UPDATE audit_log a SET (occurred_at, type, actor, outcome, data, prev_hash, hash) =
                  (SELECT o.occurred_at, o.type, o.actor, o.outcome, o.data, o.prev_hash, o.hash FROM audit_log o
                    WHERE o.tenant_id = a.tenant_id AND o.seq = CASE a.seq WHEN 3 THEN 6 ELSE 3 END)
                WHERE a.seq IN (3, 6)`))
    assert.deepEqual(await firstProblem(tenant), { seq: 3, kind: 'reordered' })
  })

  it('when the tail after a signed checkpoint is deleted, then verification reports the chain truncated', async () => {
    const tenant = await freshChain(6)
    await writeCheckpoint(t.db, tenant, key)
    await appendEvents(t.db, tenant, 2, 6)
    await asMaintenance(t.db, tenant, (tx) => tx.query('DELETE FROM audit_log WHERE seq >= 5'))
    assert.deepEqual(await firstProblem(tenant), { seq: 5, kind: 'truncated' })
  })

  it('when the chain is rewritten and re-hashed from genesis, then only the signed checkpoint reveals it', async () => {
    const tenant = await freshChain()
    await writeCheckpoint(t.db, tenant, key)
    const rows = await chainRows(t.db, tenant)
    await asMaintenance(t.db, tenant, async (tx) => {
      let prev = GENESIS_HASH
      for (const row of rows) {
        const entry = { tenantId: tenant, seq: row.seq, occurredAt: row.occurred_at.toISOString(), type: row.type,
          actor: row.seq === 2 ? 'mallory' : row.actor, outcome: row.outcome, data: row.data as HashedEntry['data'] }
        const hash = entryHash(prev, entry)
        await tx.query('UPDATE audit_log SET actor = $2, prev_hash = $3, hash = $4 WHERE seq = $1', [row.seq, entry.actor, prev, hash])
        prev = hash
      }
    })
    assert.deepEqual(await firstProblem(tenant), { seq: 8, kind: 'truncated' })
  })

  it('when a checkpoint signature is forged, then verification with the key reports it and without the key does not', async () => {
    const tenant = await freshChain()
    await writeCheckpoint(t.db, tenant, key)
    await asMaintenance(t.db, tenant, (tx) => tx.query('UPDATE audit_checkpoints SET signature = $1', [randomBytes(32)]))
    assert.deepEqual(await firstProblem(tenant), { seq: 8, kind: 'truncated' })
    const unsigned = await verifyChain(t.db, tenant)
    assert.deepEqual([unsigned.status, unsigned.tenants[0]!.count, unsigned.checkpointSignatures], ['intact', 8, 'not_checked'])
    assert.equal((await verifyChain(t.db, tenant, hmacKey(key.keyId))).status, 'broken')
  })

  it('when the chain was tampered after the last checkpoint, then writeCheckpoint refuses to sign it', async () => {
    const tenant = await freshChain(4)
    await writeCheckpoint(t.db, tenant, key)
    await appendEvents(t.db, tenant, 3, 4)
    await asMaintenance(t.db, tenant, (tx) => tx.query(`UPDATE audit_log SET outcome = 'failure' WHERE seq = 6`))
    await assert.rejects(writeCheckpoint(t.db, tenant, key), (err: Error & { code?: string }) => err.code === 'audit_chain_broken')
  })

  it('when the chain is read in batches smaller than it, then entries, gaps and checkpoints are found across batches', async () => {
    const tenant = await freshChain()
    await writeCheckpoint(t.db, tenant, key)
    const walk = (batchSize: number) =>
      withOwner(t.db, async (tx) => {
        await tx.query('SET LOCAL ROLE strongroom_auditor')
        const checkpoints = await readCheckpoints(tx, tenant)
        const { count, problem } = await walkChain(tx, tenant, { checkpoints, verifiers: [key], batchSize })
        return { count, kind: problem?.kind, seq: problem?.seq }
      })
    assert.deepEqual(await walk(3), { count: 8, kind: undefined, seq: undefined })
    await asMaintenance(t.db, tenant, (tx) => tx.query('DELETE FROM audit_log WHERE seq IN (4, 8)'))
    assert.deepEqual(await walk(3), { count: 3, kind: 'deleted', seq: 4 })
  })

  it('when nothing was appended since the last checkpoint, then writeCheckpoint returns it; an empty chain gets none', async () => {
    const tenant = await freshChain(3)
    const first = await writeCheckpoint(t.db, tenant, key)
    assert.deepEqual(await writeCheckpoint(t.db, tenant, key), first)
    assert.equal(await writeCheckpoint(t.db, 'nobody', key), null)
  })
})
