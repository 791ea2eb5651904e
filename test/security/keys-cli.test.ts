import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { describe, it } from 'node:test'
import { openLocalKms } from '../../server/crypto/kms-local.ts'
import { openMigratedDatabase } from '../../server/db/bootstrap.ts'
import { createKeyring } from '../../server/keys/keyring.ts'
import { appendMessages, getConversation, startConversation } from '../../server/transcripts/index.ts'
import { runCli } from '../helpers/run-cli.ts'
import { exchange, hasCode, openTranscriptDb, principalOf } from '../helpers/transcript-fixtures.ts'

describe('npm run keys', () => {
  it('when status, rotate, rewrap and shred run, then they report, refuse without --confirm and use exit codes', async () => {
    const masterKey = randomBytes(32).toString('base64')
    const t = await openTranscriptDb({ masterKey })
    const env = { STRONGROOM_MASTER_KEY: masterKey }
    const keys = (...args: string[]) => runCli('keys', args, t.config, env)
    const alice = principalOf('alice')
    const dave = principalOf('dave')
    const mine = await startConversation(t.deps, alice, 'cli')
    await appendMessages(t.deps, alice, mine.conversationId, exchange('q', 'a'))
    const theirs = await startConversation(t.deps, dave, 'globex')
    try {
      for (const args of [[], ['bogus'], ['rotate'], ['status', '--tenant', 'acme'], ['rewrap', '--tenant', 'acme', '--batch-size', '0'], ['status', 'extra']]) {
        assert.equal((await keys(...args)).code, 2, args.join(' '))
      }
      const unconfirmed = await keys('shred', '--tenant', 'acme')
      assert.equal(unconfirmed.code, 2)
      assert.match(unconfirmed.stderr, /refusing to shred without --confirm/)
      if (t.engine === 'pglite') {
        const busy = await keys('status')
        assert.equal(busy.code, 3)
        assert.match(busy.stderr, /is in use by a test/)
      }
      t.keyring.close()
      await t.db.close()

      const status = await keys('status')
      assert.equal(status.code, 0, status.stderr)
      assert.match(status.stdout, /^tenant acme\n {2}v1 active {4}messages 2 conversations 1 created \S+\ntenant globex\n {2}v1 active {4}messages 0 conversations 1/)
      const rotated = await keys('rotate', '--tenant', 'acme')
      assert.deepEqual([rotated.code, rotated.stdout], [0, 'acme: rotated key v1 -> v2; run rewrap to move existing data\n'])
      const rewrapped = await keys('rewrap', '--tenant', 'acme', '--batch-size', '1')
      assert.equal(rewrapped.code, 0, rewrapped.stderr)
      assert.match(rewrapped.stdout, /^acme: re-encrypted 2 messages and 1 conversation titles under v2 in \d+ batches\n$/)
      const unknown = await keys('shred', '--tenant', 'nosuch', '--confirm')
      assert.deepEqual([unknown.code, unknown.stderr], [1, 'keys: tenant_not_found: no such tenant\n'])
      const shredded = await keys('shred', '--tenant', 'acme', '--confirm')
      assert.equal(shredded.code, 0, shredded.stderr)
      assert.match(shredded.stdout, /^acme: destroyed key versions 1, 2;/)
      const afterShred = await keys('rotate', '--tenant', 'acme')
      assert.equal(afterShred.code, 1)
      assert.match(afterShred.stderr, /tenant_keys_destroyed/)

      const db = await openMigratedDatabase(t.config, 'a test')
      const provider = await openLocalKms({ masterKey })
      const keyring = createKeyring({ db, provider, cacheTtlMs: 1000 })
      try {
        await assert.rejects(getConversation({ db, keyring }, alice, mine.conversationId), hasCode('tenant_keys_destroyed'))
        assert.equal((await getConversation({ db, keyring }, dave, theirs.conversationId))!.title, 'globex')
      } finally {
        keyring.close()
        await provider.close()
        await db.close()
      }
    } finally {
      await t.close().catch(() => fs.rmSync(t.config.dataDir, { recursive: true, force: true }))
    }
  })
})
