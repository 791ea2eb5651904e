import assert from 'node:assert/strict'
import fs from 'node:fs'
import { describe, it } from 'node:test'
import { openMigratedDatabase } from '../../server/db/bootstrap.ts'
import { withOwner } from '../../server/db/tx.ts'
import { tryPurgeLock } from '../../server/retention/purge-lock.ts'
import { appendMessages, startConversation } from '../../server/transcripts/index.ts'
import { runCli } from '../helpers/run-cli.ts'
import { exchange, openTranscriptDb, principalOf } from '../helpers/transcript-fixtures.ts'

describe('npm run purge', () => {
  it('when run dry, for real, with a bad date or against a busy database, then counts and exit codes say so', async () => {
    const t = await openTranscriptDb()
    const purge = (...args: string[]) => runCli('purge', args, t.config)
    const alice = principalOf('alice')
    const old = await startConversation(t.deps, alice, 'old')
    await appendMessages(t.deps, alice, old.conversationId, exchange('q', 'a', { classification: 'public' }))
    const fresh = await startConversation(t.deps, alice, 'fresh')
    await withOwner(t.db, (tx) => tx.query(
      `UPDATE conversations SET last_message_at = '2025-01-01T00:00:00Z' WHERE conversation_id = $1`, [old.conversationId]))
    await withOwner(t.db, (tx) => tx.query(
      `UPDATE conversations SET last_message_at = '2025-05-01T00:00:00Z' WHERE conversation_id = $1`, [fresh.conversationId]))
    try {
      for (const args of [['--as-of', 'yesterday'], ['--as-of', '2025-13-45'], ['--force'], ['extra']]) {
        assert.equal((await purge(...args)).code, 2, args.join(' '))
      }
      if (t.engine === 'pglite') {
        const busy = await purge('--dry-run')
        assert.equal(busy.code, 3)
        assert.match(busy.stderr, /is in use by a test/)
      } else {
        const lock = await tryPurgeLock(t.db)
        const busy = await purge('--as-of', '2025-06-01T00:00:00Z')
        await lock!.release()
        assert.deepEqual([busy.code, busy.stderr], [5, 'purge: another purge is running; try again when it has finished\n'])
      }
      t.keyring.close()
      await t.db.close()

      const dry = await purge('--dry-run', '--as-of', '2025-06-01T00:00:00Z')
      assert.deepEqual([dry.code, dry.stdout], [0,
        'would purge 1 conversations (2 messages) in 1 tenants as of 2025-06-01T00:00:00.000Z; 0 held by legal holds; 0 tenants with destroyed keys\n'])
      const real = await purge('--as-of', '2025-06-01T00:00:00Z')
      assert.equal(real.code, 0, real.stderr)
      assert.match(real.stdout, /^purged 1 conversations \(2 messages\)/)
      const again = await purge('--as-of', '2025-06-01T00:00:00Z')
      assert.match(again.stdout, /^purged 0 conversations/)

      const db = await openMigratedDatabase(t.config, 'a test')
      try {
        const { rows } = await withOwner(db, (tx) => tx.query('SELECT conversation_id FROM conversations'))
        assert.deepEqual(rows.map((r) => r.conversation_id), [fresh.conversationId])
        const audit = await withOwner(db, (tx) => tx.query(`SELECT actor FROM audit_log WHERE type = 'purge.run'`))
        assert.deepEqual(audit.rows, [{ actor: 'cli:purge' }])
      } finally {
        await db.close()
      }
    } finally {
      await t.close().catch(() => fs.rmSync(t.config.dataDir, { recursive: true, force: true }))
    }
  })
})
