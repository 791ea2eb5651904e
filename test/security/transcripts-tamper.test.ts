import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { withOwner } from '../../server/db/tx.ts'
import { appendMessages, getConversation, listConversations, startConversation } from '../../server/transcripts/index.ts'
import { exchange, hasCode, openTranscriptDb, principalOf, type TranscriptTestDb } from '../helpers/transcript-fixtures.ts'

const alice = principalOf('alice')
const dave = principalOf('dave')
const decryptFails = hasCode('decrypt_failed')

/** Runs SQL as the schema owner: the attacker here has write access to the database, not to the keys. */
const owner = (t: TranscriptTestDb, sql: string, values: unknown[] = []) => withOwner(t.db, (tx) => tx.query(sql, values))

describe('stored transcripts against a database-level attacker', () => {
  let t: TranscriptTestDb
  before(async () => {
    t = await openTranscriptDb()
  })
  after(() => t.close())

  async function seeded(p = alice, text = 'original answer') {
    const { conversationId } = await startConversation(t.deps, p, `title of ${text}`)
    const { messageIds } = await appendMessages(t.deps, p, conversationId, exchange(`question about ${text}`, text))
    return { conversationId, userMessage: messageIds[0]!, answer: messageIds[1]! }
  }

  it('when one byte of a stored message, citation or title is flipped, then reading fails with decrypt_failed', async () => {
    const c = await seeded()
    const { rows } = await owner(t, 'SELECT length(body_ct) AS n FROM messages WHERE message_id = $1', [c.answer])
    for (const position of [1, 20, Math.floor(rows[0].n / 2), rows[0].n - 1]) {
      await owner(t, `UPDATE messages SET body_ct = set_byte(body_ct, $2, get_byte(body_ct, $2) # 1) WHERE message_id = $1`, [c.answer, position])
      await assert.rejects(getConversation(t.deps, alice, c.conversationId), decryptFails, `byte ${position}`)
      await owner(t, `UPDATE messages SET body_ct = set_byte(body_ct, $2, get_byte(body_ct, $2) # 1) WHERE message_id = $1`, [c.answer, position])
      assert.ok(await getConversation(t.deps, alice, c.conversationId))
    }
    await owner(t, `UPDATE messages SET citations_ct = set_byte(citations_ct, 200, get_byte(citations_ct, 200) # 128) WHERE message_id = $1`, [c.answer])
    await assert.rejects(getConversation(t.deps, alice, c.conversationId), decryptFails)
    const d = await seeded(alice, 'second')
    await owner(t, `UPDATE conversations SET title_ct = set_byte(title_ct, 100, get_byte(title_ct, 100) # 4) WHERE conversation_id = $1`, [d.conversationId])
    await assert.rejects(listConversations(t.deps, alice, { limit: 100 }), decryptFails)
    await owner(t, 'DELETE FROM conversations WHERE conversation_id = ANY($1::uuid[])', [[c.conversationId, d.conversationId]])
  })

  it('when a ciphertext is truncated or has bytes appended, then reading fails', async () => {
    const c = await seeded()
    await owner(t, `UPDATE messages SET body_ct = body_ct || '\\x00'::bytea WHERE message_id = $1`, [c.answer])
    await assert.rejects(getConversation(t.deps, alice, c.conversationId), decryptFails)
    await owner(t, `UPDATE messages SET body_ct = substring(body_ct FROM 1 FOR length(body_ct) - 2) WHERE message_id = $1`, [c.answer])
    await assert.rejects(getConversation(t.deps, alice, c.conversationId), decryptFails)
    await owner(t, 'DELETE FROM conversations WHERE conversation_id = $1', [c.conversationId])
  })

  it('when ciphertexts are swapped between messages of one conversation, then reading fails instead of reordering text', async () => {
    const c = await seeded()
    await owner(t, `UPDATE messages m SET body_ct = o.body_ct FROM messages o
      WHERE m.message_id = $1 AND o.message_id = $2`, [c.userMessage, c.answer])
    await assert.rejects(getConversation(t.deps, alice, c.conversationId), decryptFails)
    await owner(t, 'DELETE FROM conversations WHERE conversation_id = $1', [c.conversationId])
  })

  it('when a ciphertext is copied into another conversation of the same user, then reading fails', async () => {
    const a = await seeded(alice, 'first')
    const b = await seeded(alice, 'second')
    await owner(t, `UPDATE messages m SET body_ct = o.body_ct FROM messages o WHERE m.message_id = $1 AND o.message_id = $2`,
      [b.answer, a.answer])
    await assert.rejects(getConversation(t.deps, alice, b.conversationId), decryptFails)
    await owner(t, `UPDATE conversations c SET title_ct = o.title_ct FROM conversations o
      WHERE c.conversation_id = $1 AND o.conversation_id = $2`, [b.conversationId, a.conversationId])
    await assert.rejects(listConversations(t.deps, alice, { limit: 100 }), decryptFails)
    await owner(t, 'DELETE FROM conversations WHERE conversation_id = ANY($1::uuid[])', [[a.conversationId, b.conversationId]])
  })

  it('when a message row is moved to another conversation, or a title is put in place of a message, then reading fails', async () => {
    const a = await seeded(alice, 'first')
    const b = await seeded(alice, 'second')
    await owner(t, 'UPDATE messages SET conversation_id = $2 WHERE message_id = $1', [a.answer, b.conversationId])
    await assert.rejects(getConversation(t.deps, alice, b.conversationId), decryptFails)
    await owner(t, 'DELETE FROM messages WHERE message_id = $1', [a.answer])
    assert.ok(await getConversation(t.deps, alice, b.conversationId))
    await owner(t, `UPDATE messages m SET body_ct = c.title_ct FROM conversations c
      WHERE m.message_id = $1 AND c.conversation_id = $2`, [b.userMessage, b.conversationId])
    await assert.rejects(getConversation(t.deps, alice, b.conversationId), decryptFails)
    await owner(t, 'DELETE FROM conversations WHERE conversation_id = ANY($1::uuid[])', [[a.conversationId, b.conversationId]])
  })

  it("when another tenant's ciphertext is copied into a row, then it neither opens nor uses that tenant's key", async () => {
    const mine = await seeded(alice, 'acme text')
    const theirs = await seeded(dave, 'globex secret')
    await owner(t, `UPDATE messages m SET body_ct = o.body_ct FROM messages o WHERE m.message_id = $1 AND o.message_id = $2`,
      [mine.answer, theirs.answer])
    await assert.rejects(getConversation(t.deps, alice, mine.conversationId), decryptFails)
    // Copying whole rows, ids included, into the other tenant does not help: the tenant is bound into every
    // ciphertext and names the key, so globex's reader refuses before any key is fetched.
    await owner(t, `INSERT INTO conversations (tenant_id, conversation_id, user_id, title_ct, key_version)
      SELECT 'globex', conversation_id, 'dave', title_ct, key_version FROM conversations WHERE conversation_id = $1`,
      [mine.conversationId])
    await owner(t, `INSERT INTO messages (tenant_id, message_id, conversation_id, user_id, role, body_ct, key_version)
      SELECT 'globex', message_id, conversation_id, 'dave', role, body_ct, key_version FROM messages
       WHERE conversation_id = $1 AND message_id <> $2`, [mine.conversationId, mine.answer])
    await assert.rejects(getConversation(t.deps, dave, mine.conversationId), decryptFails)
    assert.equal((await getConversation(t.deps, dave, theirs.conversationId))!.messages[1]!.text, 'globex secret')
  })
})
