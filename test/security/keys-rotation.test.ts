import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { readKeyVersion } from '../../server/crypto/envelope.ts'
import { withOwner, withTenant } from '../../server/db/tx.ts'
import { GoneError } from '../../server/errors.ts'
import { createKeyring } from '../../server/keys/keyring.ts'
import { keyStatus, rotateKey, shredKeys } from '../../server/keys/keys.service.ts'
import { rewrapKeys } from '../../server/keys/rewrap.service.ts'
import { runPurge } from '../../server/retention/purge.service.ts'
import { placeLegalHold, releaseLegalHold } from '../../server/retention/retention.service.ts'
import {
  appendMessages, getConversation, listConversations, startConversation,
} from '../../server/transcripts/index.ts'
import { exchange, hasCode, openTranscriptDb, principalOf, type TranscriptTestDb } from '../helpers/transcript-fixtures.ts'

const alice = principalOf('alice')
const carol = principalOf('carol')
const dave = principalOf('dave')
const DEFAULTS = { public: 90, internal: 90, confidential: 30, restricted: 7 }

/** Key versions named in the headers of every stored ciphertext of a tenant, read as the owner. */
async function versionsInUse(t: TranscriptTestDb, tenantId: string) {
  const { rows } = await withOwner(t.db, (tx) => tx.query(
    `SELECT body_ct AS ct, key_version FROM messages WHERE tenant_id = $1
     UNION ALL SELECT citations_ct, key_version FROM messages WHERE tenant_id = $1 AND citations_ct IS NOT NULL
     UNION ALL SELECT title_ct, key_version FROM conversations WHERE tenant_id = $1`, [tenantId]))
  return rows.map((r) => {
    const header = readKeyVersion(r.ct)
    assert.equal(header.version, r.key_version, 'key_version column matches the ciphertext header')
    return header.version
  })
}

describe('tenant key rotation, re-wrapping and shredding', () => {
  let t: TranscriptTestDb
  before(async () => {
    t = await openTranscriptDb()
  })
  after(() => t.close())

  it('when a key is rotated and rewrap runs in interrupted batches, then everything stays readable and nothing is left on the old version', async () => {
    const ids: string[] = []
    for (const p of [alice, alice, carol]) {
      const { conversationId } = await startConversation(t.deps, p, `before rotation ${ids.length}`)
      await appendMessages(t.deps, p, conversationId, exchange(`q${ids.length}`, `a${ids.length}`))
      ids.push(conversationId)
    }
    assert.deepEqual(new Set(await versionsInUse(t, 'acme')), new Set([1]))
    assert.deepEqual(await rotateKey(t.deps, 'acme', 'cli:test'), { fromVersion: 1, toVersion: 2 })
    const states = await withOwner(t.db, (tx) => tx.query(`SELECT version, state FROM tenant_keys WHERE tenant_id = 'acme' ORDER BY version`))
    assert.deepEqual(states.rows, [{ version: 1, state: 'retired' }, { version: 2, state: 'active' }])

    await appendMessages(t.deps, alice, ids[0]!, exchange('after rotation', 'new key'))
    assert.equal((await getConversation(t.deps, alice, ids[0]!))!.messages.length, 4)
    const before = (await keyStatus(t.db)).find((s) => s.tenantId === 'acme')!
    assert.deepEqual(before.versions.map((v) => [v.version, v.messages, v.conversations]), [[1, 6, 3], [2, 2, 0]])

    const controller = new AbortController()
    let batches = 0
    const stopAfterOne = { batchSize: 2, signal: controller.signal }
    const firstRun = await rewrapKeys({ ...t.deps, keyring: { ...t.keyring, activeKeyIn: async (tx, id) => {
      if (++batches > 1) controller.abort()
      return t.keyring.activeKeyIn(tx, id)
    } } }, 'acme', 'cli:test', stopAfterOne)
    assert.equal(firstRun.complete, false)
    assert.ok((await versionsInUse(t, 'acme')).includes(1), 'the interrupted run left work')
    const secondRun = await rewrapKeys(t.deps, 'acme', 'cli:test', { batchSize: 2 })
    assert.equal(secondRun.complete, true)
    assert.equal(firstRun.messages + secondRun.messages, 6)
    assert.equal(firstRun.conversations + secondRun.conversations, 3)
    assert.deepEqual(new Set(await versionsInUse(t, 'acme')), new Set([2]))

    for (const [i, id] of ids.entries()) {
      const p = i < 2 ? alice : carol
      const c = await getConversation(t.deps, p, id)
      assert.equal(c!.title, `before rotation ${i}`)
      assert.equal(c!.messages[1]!.text, `a${i}`)
    }
    const after = (await keyStatus(t.db)).find((s) => s.tenantId === 'acme')!
    assert.deepEqual(after.versions.map((v) => [v.version, v.state, v.messages]), [[1, 'retired', 0], [2, 'active', 8]])
    const audit = await withTenant(t.db, 'acme', 'app', (tx) => tx.query(
      `SELECT type, actor, data FROM audit_log WHERE type IN ('key.rotate', 'key.rewrap') ORDER BY seq`))
    assert.deepEqual(audit.rows.map((r) => r.type), ['key.rotate', 'key.rewrap', 'key.rewrap'])
    assert.deepEqual(audit.rows[2].data, { toVersion: 2, messages: secondRun.messages, conversations: secondRun.conversations, complete: true })
  })

  it('when a key is rotated on one instance, then another instance with a warm cache writes under the new version at once', async () => {
    const other = createKeyring({ db: t.db, provider: t.provider, cacheTtlMs: 600_000 })
    const deps2 = { db: t.db, keyring: other }
    const { conversationId } = await startConversation(deps2, dave, 'globex')
    await rotateKey(t.deps, 'globex', 'cli:test')
    await appendMessages(deps2, dave, conversationId, exchange('after', 'rotation'))
    const { rows } = await withOwner(t.db, (tx) => tx.query('SELECT key_version FROM messages WHERE conversation_id = $1', [conversationId]))
    assert.deepEqual(rows.map((r) => r.key_version), [2, 2])
    other.close()
  })

  it('when shredding is attempted under an active legal hold, then it is refused and the keys stay', async () => {
    const hold = await placeLegalHold(t.db, carol, { scope: 'user', targetId: 'bob', caseRef: 'CASE-9' })
    await assert.rejects(shredKeys(t.deps, 'acme', 'cli:test'), hasCode('legal_hold_active'))
    await releaseLegalHold(t.db, carol, hold.holdId)
    assert.ok((await listConversations(t.deps, alice, { limit: 10 })).length > 0)
  })

  it("when a tenant's keys are shredded, then its transcripts answer 410 on every instance, other tenants are untouched, and the next purge deletes its rows", async () => {
    const warm = createKeyring({ db: t.db, provider: t.provider, cacheTtlMs: 600_000 })
    const { conversationId } = await startConversation(t.deps, alice, 'before shred')
    await getConversation({ db: t.db, keyring: warm }, alice, conversationId)
    const globexBefore = await listConversations(t.deps, dave, { limit: 10 })

    assert.deepEqual(await shredKeys(t.deps, 'acme', 'cli:test'), { versions: [1, 2] })
    const keys = await withOwner(t.db, (tx) => tx.query(`SELECT state, wrapped_key FROM tenant_keys WHERE tenant_id = 'acme'`))
    assert.deepEqual(keys.rows, [{ state: 'destroyed', wrapped_key: null }, { state: 'destroyed', wrapped_key: null }])
    const gone = (err: unknown) => err instanceof GoneError && err.code === 'tenant_keys_destroyed' && err.status === 410
    for (const keyring of [t.keyring, warm]) {
      const deps = { db: t.db, keyring }
      await assert.rejects(getConversation(deps, alice, conversationId), gone)
      await assert.rejects(listConversations(deps, carol, { limit: 10 }), gone)
      await assert.rejects(startConversation(deps, alice, 'after shred'), gone)
      await assert.rejects(deps.keyring.resolveKey('acme', 1), gone)
    }
    await assert.rejects(rotateKey(t.deps, 'acme', 'cli:test'), gone)
    assert.deepEqual(await listConversations(t.deps, dave, { limit: 10 }), globexBefore)
    const audit = await withTenant(t.db, 'acme', 'app', (tx) => tx.query(`SELECT actor, data FROM audit_log WHERE type = 'key.shred'`))
    assert.deepEqual(audit.rows, [{ actor: 'cli:test', data: { versions: [1, 2] } }])

    const report = await runPurge(t.db, { asOf: new Date(), batchSize: 2, defaults: DEFAULTS })
    assert.equal(report.shreddedTenants, 1)
    const left = await withOwner(t.db, (tx) => tx.query(
      `SELECT tenant_id, count(*)::int AS n FROM conversations GROUP BY tenant_id ORDER BY tenant_id`))
    assert.deepEqual(left.rows, [{ tenant_id: 'globex', n: globexBefore.length }])
    const messages = await withOwner(t.db, (tx) => tx.query(`SELECT count(*)::int AS n FROM messages WHERE tenant_id = 'acme'`))
    assert.equal(messages.rows[0].n, 0)
    warm.close()
  })
})
