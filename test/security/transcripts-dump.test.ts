import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { withOwner } from '../../server/db/tx.ts'
import { exportConversations } from '../../server/transcripts/export.service.ts'
import { appendMessages, deleteConversation, getConversation, startConversation } from '../../server/transcripts/index.ts'
import { citation, openTranscriptDb, principalOf, type TranscriptTestDb } from '../helpers/transcript-fixtures.ts'

const CANARY = 'canary-7f3a9 the heron flies at midnight over Kestrel Lake'

/** The canary as it could appear in a dump: raw, hex (bytea text form) and base64 at each of the 3 alignments. */
function canaryForms(): string[] {
  const bytes = Buffer.from(CANARY, 'utf8')
  const forms = [CANARY, CANARY.toLowerCase(), bytes.toString('hex')]
  for (let offset = 0; offset < 3; offset++) {
    const b64 = Buffer.concat([Buffer.alloc(offset, 0x20), bytes]).toString('base64')
    forms.push(b64.slice(offset === 0 ? 0 : 4, -4))
  }
  // A fragment too: a dump must not hold a recognisable part of it either.
  forms.push('heron flies at midnight', Buffer.from('heron flies at midnight').toString('hex'))
  return forms
}

function assertNoCanary(haystack: string, where: string) {
  for (const form of canaryForms()) assert.ok(!haystack.includes(form), `${where} contains the canary as "${form.slice(0, 24)}..."`)
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : []
  })
}

describe('database dump after storing transcripts with a canary phrase', () => {
  let t: TranscriptTestDb
  let closed = false
  before(async () => {
    t = await openTranscriptDb()
  })
  after(async () => {
    if (!closed) await t.close()
  })

  it('when every table is dumped as the owner (and with pg_dump on a server), then the canary appears nowhere', async () => {
    const alice = principalOf('alice')
    const carol = principalOf('carol')
    const kept = await startConversation(t.deps, alice, `Title ${CANARY}`)
    await appendMessages(t.deps, alice, kept.conversationId, [
      { role: 'user', text: `Question ${CANARY}`, classification: 'public' },
      { role: 'assistant', text: `Answer ${CANARY}`, classification: 'confidential', citations: [citation(`Snippet ${CANARY}`, { title: 'Doc' })] },
    ])
    const removed = await startConversation(t.deps, carol, CANARY)
    await appendMessages(t.deps, carol, removed.conversationId, [{ role: 'user', text: CANARY, classification: 'public' }])
    await deleteConversation(t.deps, carol, removed.conversationId)
    assert.match((await getConversation(t.deps, alice, kept.conversationId))!.messages[1]!.text, /heron/)
    assert.equal((await exportConversations(t.deps, alice))[0]!.messages[1]!.citations[0]!.snippet, `Snippet ${CANARY}`)

    const dumped = await withOwner(t.db, async (tx) => {
      const tables = (await tx.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)).rows
      assert.ok(tables.length >= 10)
      const parts: string[] = []
      for (const { tablename } of tables) {
        const { rows } = await tx.query(`SELECT row_to_json(t)::text AS j FROM ${tablename} t`)
        parts.push(...rows.map((r) => r.j as string))
      }
      return parts
    })
    assert.ok(dumped.some((row) => row.includes(kept.conversationId)), 'the dump holds the stored rows')
    assertNoCanary(dumped.join('\n'), 'a table row')

    if (t.engine === 'postgres') {
      const hasPgDump = spawnSync('pg_dump', ['--version']).status === 0
      if (hasPgDump) {
        const out = execFileSync('pg_dump', ['--no-owner', t.config.database.url!], { maxBuffer: 256 * 1024 * 1024 }).toString()
        assert.ok(out.includes(kept.conversationId))
        assertNoCanary(out, 'pg_dump output')
      }
    } else {
      // Embedded: the database files themselves (heap, WAL, free space) hold no plaintext either.
      closed = true
      const dir = path.join(t.config.dataDir, 'pglite')
      await t.db.close()
      const files = filesUnder(dir)
      assert.ok(files.length > 10)
      for (const file of files) assertNoCanary(fs.readFileSync(file).toString('latin1'), file)
      fs.rmSync(t.config.dataDir, { recursive: true, force: true })
      t.keyring.close()
      await t.provider.close()
    }
  })
})
