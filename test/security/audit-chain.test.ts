import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { appendAudit, recordAudit } from '../../server/audit/audit.service.ts'
import { writeCheckpoint } from '../../server/audit/checkpoint.service.ts'
import { entryHash, GENESIS_HASH } from '../../server/audit/hash.ts'
import { verifyChain } from '../../server/audit/verify.ts'
import type { AuditEvent } from '../../server/audit/event.ts'
import { withOwner, withPrincipal, withTenant, type DbRole } from '../../server/db/tx.ts'
import { chainRows, hmacKey, T0 } from '../helpers/audit-fixtures.ts'
import { openTestDatabase, type TestDatabase } from '../helpers/test-db.ts'

const login: AuditEvent = { type: 'auth.login', actor: 'alice', outcome: 'success' }

describe('audit chain', () => {
  let t: TestDatabase
  before(async () => {
    t = await openTestDatabase()
  })
  after(() => t.close())

  it('when events are appended for two tenants, then each tenant has its own chain linked from the genesis hash', async () => {
    const seqs: Record<string, number[]> = { acme: [], globex: [] }
    const data = { documentId: 'd-1', ids: ['a', 'b'], nums: [1, 2.5], small: 0.1, big: 1e21, tiny: 5e-324, neg: -0, ok: true, none: null }
    for (let i = 0; i < 5; i++) {
      const tenant = i % 2 === 0 ? 'acme' : 'globex'
      const { seq } = await recordAudit(t.db, tenant, { ...login, data: { ...data, n: i } }, new Date(T0 + i))
      seqs[tenant]!.push(seq)
    }
    assert.deepEqual(seqs, { acme: [1, 2, 3], globex: [1, 2] })
    for (const tenant of ['acme', 'globex']) {
      let prev = GENESIS_HASH
      for (const row of await chainRows(t.db, tenant)) {
        assert.deepEqual(row.prev_hash, prev, `${tenant} ${row.seq} links to its predecessor`)
        const expected = entryHash(prev, {
          tenantId: tenant, seq: row.seq, occurredAt: row.occurred_at.toISOString(), type: row.type,
          actor: row.actor, outcome: row.outcome, data: row.data as Record<string, never>,
        })
        assert.deepEqual(row.hash, expected, `${tenant} ${row.seq} hash covers its content`)
        prev = row.hash
      }
    }
    const result = await verifyChain(t.db)
    assert.equal(result.status, 'intact')
    assert.deepEqual(result.tenants, [{ tenantId: 'acme', count: 3 }, { tenantId: 'globex', count: 2 }])
  })

  it('when the business transaction rolls back, then its audit entry is rolled back with it', async () => {
    await assert.rejects(
      withTenant(t.db, 'rollback', 'ingest', async (tx) => {
        await appendAudit(tx, 'rollback', { type: 'document.delete', actor: 'bob', outcome: 'success' })
        throw new Error('the action failed')
      }),
      /the action failed/,
    )
    assert.deepEqual(await recordAudit(t.db, 'rollback', login), { seq: 1 })
  })

  it('when 20 appends run concurrently in separate transactions, then the chain is gapless and verifies', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => recordAudit(t.db, 'busy', { ...login, data: { n: i } })),
    )
    assert.deepEqual(results.map((r) => r.seq).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1))
    const result = await verifyChain(t.db, 'busy')
    assert.deepEqual(result.tenants, [{ tenantId: 'busy', count: 20 }])
  })

  it('when a system event has no tenant, then it goes to the _system chain', async () => {
    await recordAudit(t.db, '_system', { type: 'auth.token_rejected', actor: 'system', outcome: 'denied', data: { reason: 'expired' } })
    const result = await verifyChain(t.db, '_system')
    assert.deepEqual(result.tenants, [{ tenantId: '_system', count: 1 }])
  })

  it('when another tenant reads the audit log, then it sees none of acme’s entries', async () => {
    const seen = await withTenant(t.db, 'globex', 'app', async (tx) =>
      (await tx.query(`SELECT tenant_id FROM audit_log WHERE tenant_id IN ('acme', 'globex')`)).rows.map((r) => r.tenant_id),
    )
    assert.deepEqual(seen, ['globex', 'globex'])
  })

  it('when an append names a tenant other than the transaction’s, then row-level security refuses it', async () => {
    await assert.rejects(
      withTenant(t.db, 'globex', 'app', (tx) => appendAudit(tx, 'acme', login)),
      /row-level security/,
    )
    assert.equal((await chainRows(t.db, 'acme')).length, 3)
  })

  for (const role of ['app', 'ingest', 'worker'] as DbRole[]) {
    it(`when the ${role} role updates, deletes or truncates audit rows or checkpoints, then permission is denied`, async () => {
      for (const table of ['audit_log', 'audit_checkpoints']) {
        for (const sql of [`UPDATE ${table} SET seq = seq + 100`, `DELETE FROM ${table}`, `TRUNCATE ${table}`]) {
          await assert.rejects(withTenant(t.db, 'acme', role, (tx) => tx.query(sql)), /permission denied/, `${role}: ${sql}`)
        }
      }
      assert.equal((await chainRows(t.db, 'acme')).length, 3)
    })
  }

  it('when a signed-in principal deletes audit rows, then permission is denied', async () => {
    const scope = { tenantId: 'acme', userId: 'alice', clearance: 3, departments: [], principals: ['user:alice'] }
    await assert.rejects(withPrincipal(t.db, scope, (tx) => tx.query('DELETE FROM audit_log')), /permission denied/)
  })

  it('when the schema owner changes or truncates audit rows or checkpoints, then the append-only trigger refuses', async () => {
    assert.equal((await writeCheckpoint(t.db, 'acme', hmacKey()))?.seq, 3)
    const statements = [`UPDATE audit_log SET actor = 'mallory'`, 'DELETE FROM audit_log', 'TRUNCATE audit_log',
      'UPDATE audit_checkpoints SET seq = 1', 'DELETE FROM audit_checkpoints', 'TRUNCATE audit_checkpoints']
    for (const sql of statements) {
      await assert.rejects(withOwner(t.db, (tx) => tx.query(sql)), /append-only/, sql)
    }
    assert.equal((await chainRows(t.db, 'acme')).length, 3)
  })

  it('when event data carries free text over the limits, then the append fails and writes nothing', async () => {
    const bad: AuditEvent[] = [
      { ...login, data: { prompt: 'x'.repeat(201) } },
      { ...login, data: { note: 'line one\nline two' } },
      { ...login, data: { nested: { a: 1 } as never } },
      { ...login, type: 'login' },
    ]
    for (const event of bad) {
      await assert.rejects(recordAudit(t.db, 'acme', event), (err: Error & { code?: string }) => err.code === 'audit_event_invalid')
    }
    assert.equal((await chainRows(t.db, 'acme')).length, 3)
  })
})
