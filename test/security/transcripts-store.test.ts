import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { withOwner, withPrincipal, withTenant } from '../../server/db/tx.ts'
import { scopeOf } from '../../server/policy/rule.ts'
import { placeLegalHold, releaseLegalHold } from '../../server/retention/retention.service.ts'
import {
  appendMessages, deleteConversation, getConversation, readRecentMessages, listConversations, startConversation, storeExchangeIn,
} from '../../server/transcripts/index.ts'
import { exchange, hasCode, openTranscriptDb, principalOf, type TranscriptTestDb } from '../helpers/transcript-fixtures.ts'

const alice = principalOf('alice')
const bob = principalOf('bob')
const carol = principalOf('carol')
const dave = principalOf('dave')

describe('encrypted transcript store', () => {
  let t: TranscriptTestDb
  before(async () => {
    t = await openTranscriptDb()
  })
  after(() => t.close())

  it('when a conversation is stored, then it reads back exactly, in order, with citations and metadata', async () => {
    const { conversationId } = await startConversation(t.deps, alice, 'Travel question')
    const { messageIds } = await appendMessages(t.deps, alice, conversationId, exchange('Which class may I fly?', 'Economy, says the policy [1].'))
    assert.equal(messageIds.length, 2)
    const c = await getConversation(t.deps, alice, conversationId)
    assert.ok(c)
    assert.equal(c.title, 'Travel question')
    assert.equal(c.classification, 'internal')
    assert.deepEqual(c.messages.map((m) => [m.messageId, m.role, m.text]), [
      [messageIds[0], 'user', 'Which class may I fly?'],
      [messageIds[1], 'assistant', 'Economy, says the policy [1].'],
    ])
    assert.deepEqual(c.messages[0]!.citations, [])
    assert.equal(c.messages[1]!.citations[0]!.snippet, 'Economy class for flights under six hours.')
    assert.deepEqual([c.messages[1]!.provider, c.messages[1]!.model, c.messages[1]!.promptVersion], ['extractive', 'extractive-1', 'answer-v1'])
    assert.ok(c.messages[0]!.createdAt <= c.messages[1]!.createdAt)
    const [summary] = await listConversations(t.deps, alice, { limit: 10 })
    assert.equal(summary!.conversationId, conversationId)
    assert.equal(summary!.messageCount, 2)
    assert.equal(summary!.title, 'Travel question')
  })

  it('when messages of higher and then lower classification are added, then the conversation keeps the high-water mark', async () => {
    const { conversationId } = await startConversation(t.deps, carol, 'Merger')
    assert.equal((await getConversation(t.deps, carol, conversationId))!.classification, 'public')
    await appendMessages(t.deps, carol, conversationId, exchange('Q', 'A', { classification: 'restricted' }))
    await appendMessages(t.deps, carol, conversationId, exchange('Q2', 'A2', { classification: 'public' }))
    const c = await getConversation(t.deps, carol, conversationId)
    assert.equal(c!.classification, 'restricted')
    assert.deepEqual(c!.messages.map((m) => m.classification), ['public', 'restricted', 'public', 'public'])
  })

  it('when the database fails on the second message of an append, then neither message nor the count is stored', async () => {
    const { conversationId } = await startConversation(t.deps, alice, 'Atomic')
    await withOwner(t.db, async (tx) => {
      await tx.query(`CREATE FUNCTION test_fail_marker() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.model = 'explode' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`)
      await tx.query(`CREATE TRIGGER test_fail_marker BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION test_fail_marker()`)
    })
    try {
      const [q, a] = exchange('Question kept?', 'Answer fails')
      await assert.rejects(appendMessages(t.deps, alice, conversationId, [q!, { ...a!, model: 'explode' }]), /injected failure/)
    } finally {
      await withOwner(t.db, (tx) => tx.query('DROP TRIGGER test_fail_marker ON messages; DROP FUNCTION test_fail_marker()'))
    }
    const c = await getConversation(t.deps, alice, conversationId)
    assert.deepEqual(c!.messages, [])
    const [row] = (await listConversations(t.deps, alice, { limit: 50 })).filter((s) => s.conversationId === conversationId)
    assert.equal(row!.messageCount, 0)
  })

  it('when listing with a limit and a cursor, then pages follow the last-message order without overlap', async () => {
    const p = principalOf('mallory')
    const ids: string[] = []
    for (const title of ['one', 'two', 'three']) {
      const { conversationId } = await startConversation(t.deps, p, title)
      await appendMessages(t.deps, p, conversationId, exchange(title, title))
      ids.push(conversationId)
    }
    const first = await listConversations(t.deps, p, { limit: 2 })
    assert.deepEqual(first.map((c) => c.title), ['three', 'two'])
    const rest = await listConversations(t.deps, p, { limit: 2, before: first[1]!.lastMessageAt })
    assert.deepEqual(rest.map((c) => c.conversationId), [ids[0]])
  })

  it("when another user of the same tenant or another tenant asks for someone's conversation, then it does not exist for them", async () => {
    const { conversationId } = await startConversation(t.deps, alice, 'Private')
    await appendMessages(t.deps, alice, conversationId, exchange('secret question', 'secret answer'))
    for (const other of [bob, carol, dave]) {
      assert.equal(await getConversation(t.deps, other, conversationId), null)
      assert.ok(!(await listConversations(t.deps, other, { limit: 200 })).some((c) => c.conversationId === conversationId))
      await assert.rejects(appendMessages(t.deps, other, conversationId, exchange('x', 'y')), hasCode('conversation_not_found'))
      assert.equal(await deleteConversation(t.deps, other, conversationId), false)
      // Row-level security alone, without the store's own WHERE clauses:
      const rows = await withPrincipal(t.db, scopeOf(other), async (tx) => [
        ...(await tx.query('SELECT conversation_id FROM conversations WHERE conversation_id = $1', [conversationId])).rows,
        ...(await tx.query('SELECT message_id FROM messages WHERE conversation_id = $1', [conversationId])).rows,
      ])
      assert.deepEqual(rows, [])
      const { rowCount } = await withPrincipal(t.db, scopeOf(other), (tx) =>
        tx.query('DELETE FROM conversations WHERE conversation_id = $1', [conversationId]))
      assert.equal(rowCount, 0)
    }
    assert.equal((await getConversation(t.deps, alice, conversationId))!.messages.length, 2)
  })

  it('when ids are not uuids, then reads find nothing and writes are refused without reaching SQL', async () => {
    assert.equal(await getConversation(t.deps, alice, "1' OR '1'='1"), null)
    assert.equal(await deleteConversation(t.deps, alice, 'nope'), false)
    await assert.rejects(appendMessages(t.deps, alice, 'nope', exchange('a', 'b')), hasCode('conversation_not_found'))
    await assert.rejects(appendMessages(t.deps, alice, 'nope', []), hasCode('invalid_transcript'))
  })

  it('when the owner deletes a conversation, then its messages are gone and the deletion is audited with counts only', async () => {
    const { conversationId } = await startConversation(t.deps, alice, 'To delete')
    await appendMessages(t.deps, alice, conversationId, exchange('delete me', 'deleted'))
    assert.equal(await deleteConversation(t.deps, alice, conversationId), true)
    assert.equal(await getConversation(t.deps, alice, conversationId), null)
    assert.equal(await deleteConversation(t.deps, alice, conversationId), false)
    const left = await withOwner(t.db, (tx) => tx.query('SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1', [conversationId]))
    assert.equal(left.rows[0].n, 0)
    const audit = await withTenant(t.db, 'acme', 'app', (tx) =>
      tx.query(`SELECT actor, data FROM audit_log WHERE type = 'conversation.delete' AND data->>'conversationId' = $1`, [conversationId]))
    assert.deepEqual(audit.rows, [{ actor: 'alice', data: { conversationId, messages: 2 } }])
  })

  it('when a legal hold covers the conversation or its owner, then the owner cannot delete it until released', async () => {
    const { conversationId } = await startConversation(t.deps, alice, 'Held')
    const byConversation = await placeLegalHold(t.db, carol, { scope: 'conversation', targetId: conversationId, caseRef: 'CASE-1' })
    await assert.rejects(deleteConversation(t.deps, alice, conversationId), hasCode('legal_hold_active'))
    await releaseLegalHold(t.db, carol, byConversation.holdId)
    const byUser = await placeLegalHold(t.db, carol, { scope: 'user', targetId: 'alice', caseRef: 'CASE-2' })
    await assert.rejects(deleteConversation(t.deps, alice, conversationId), hasCode('legal_hold_active'))
    await releaseLegalHold(t.db, carol, byUser.holdId)
    assert.equal(await deleteConversation(t.deps, alice, conversationId), true)
  })

  it('when many first writes of a new tenant race, then exactly one active key version 1 is created and used', async () => {
    const erin = principalOf('erin', { tenantId: 'initech', userId: 'erin' })
    await withOwner(t.db, (tx) => tx.query(`INSERT INTO tenants (tenant_id, name) VALUES ('initech', 'Initech')`))
    const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => startConversation(t.deps, erin, `race ${i}`)))
    const keys = await withOwner(t.db, (tx) => tx.query(`SELECT version, state FROM tenant_keys WHERE tenant_id = 'initech'`))
    assert.deepEqual(keys.rows, [{ version: 1, state: 'active' }])
    for (const { conversationId } of ids) assert.ok(await getConversation(t.deps, erin, conversationId))
  })

  it('when an exchange is stored in a new conversation, then conversation, messages and counters come from one statement', async () => {
    const { conversationId, messageIds } = await withPrincipal(t.db, scopeOf(alice), (tx) =>
      storeExchangeIn(tx, t.deps, alice, { title: 'One step', messages: exchange('First?', 'Answered [1].', { classification: 'confidential' }) }))
    const c = await getConversation(t.deps, alice, conversationId)
    assert.equal(c!.title, 'One step')
    assert.equal(c!.classification, 'confidential')
    assert.deepEqual(c!.messages.map((m) => [m.messageId, m.text]), [[messageIds[0], 'First?'], [messageIds[1], 'Answered [1].']])
    const [summary] = (await listConversations(t.deps, alice, { limit: 200 })).filter((x) => x.conversationId === conversationId)
    assert.equal(summary!.messageCount, 2)
    // byte_size is the sum of what is stored, as the purge's batch planning and appends expect.
    const sizes = await withOwner(t.db, (tx) => tx.query(
      `SELECT c.byte_size AS total, octet_length(c.title_ct) + (SELECT sum(m.byte_size) FROM messages m
         WHERE m.tenant_id = c.tenant_id AND m.conversation_id = c.conversation_id) AS parts,
              c.last_message_at = (SELECT max(created_at) FROM messages m
         WHERE m.tenant_id = c.tenant_id AND m.conversation_id = c.conversation_id) AS last_is_newest
         FROM conversations c WHERE c.conversation_id = $1`, [conversationId]))
    assert.equal(Number(sizes.rows[0].total), Number(sizes.rows[0].parts))
    assert.equal(sizes.rows[0].last_is_newest, true)
    const next = await withPrincipal(t.db, scopeOf(alice), (tx) =>
      storeExchangeIn(tx, t.deps, alice, { conversationId, title: 'ignored', messages: exchange('Second?', 'Again.') }))
    assert.equal(next.conversationId, conversationId)
    assert.equal((await getConversation(t.deps, alice, conversationId))!.messages.length, 4)
    await assert.rejects(withPrincipal(t.db, scopeOf(bob), (tx) =>
      storeExchangeIn(tx, t.deps, bob, { conversationId, title: 'x', messages: exchange('Mine?', 'No.') })), hasCode('conversation_not_found'))
  })

  it('when a tenant without a tenant row stores its first conversation, then the row and key version 1 are created with it', async () => {
    const frank = principalOf('alice', { tenantId: 'hooli', userId: 'frank' })
    const { conversationId } = await withPrincipal(t.db, scopeOf(frank), (tx) =>
      storeExchangeIn(tx, t.deps, frank, { title: 'First ever', messages: exchange('Hello?', 'Hi.') }))
    const rows = await withOwner(t.db, async (tx) => ({
      tenant: (await tx.query(`SELECT tenant_id FROM tenants WHERE tenant_id = 'hooli'`)).rows.length,
      keys: (await tx.query(`SELECT version, state FROM tenant_keys WHERE tenant_id = 'hooli'`)).rows,
    }))
    assert.deepEqual(rows, { tenant: 1, keys: [{ version: 1, state: 'active' }] })
    assert.equal((await getConversation(t.deps, frank, conversationId))!.messages[1]!.text, 'Hi.')
  })

  it('when the newest messages of a conversation are read, then exactly those open, in order, for the owner only', async () => {
    const { conversationId } = await startConversation(t.deps, alice, 'Long')
    for (let i = 1; i <= 5; i++) await appendMessages(t.deps, alice, conversationId, exchange(`q${i}`, `a${i}`))
    const recent = await readRecentMessages(t.deps, alice, conversationId, 6)
    assert.equal(recent!.count, 6)
    const newest = await recent!.open(0, 3)
    assert.deepEqual(newest.map((m) => m.text), ['a4', 'q5', 'a5'])
    assert.equal(newest[0]!.citations[0]!.snippet, 'Economy class for flights under six hours.')
    assert.deepEqual((await recent!.open(3, 3)).map((m) => m.text), ['q3', 'a3', 'q4'])
    assert.deepEqual((await recent!.open(5, 3)).map((m) => m.text), ['q3'])
    assert.deepEqual(await recent!.open(6, 3), [])
    assert.equal((await readRecentMessages(t.deps, alice, conversationId, 50))!.count, 10)
    for (const other of [bob, dave]) assert.equal(await readRecentMessages(t.deps, other, conversationId, 3), null)
    assert.equal(await readRecentMessages(t.deps, alice, "1' OR '1'='1", 3), null)
  })
})
