import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { openDatabase } from '../../server/db/pool.ts'
import { withOwner, withTenant } from '../../server/db/tx.ts'
import type { Classification } from '../../server/policy/levels.ts'
import { tryPurgeLock } from '../../server/retention/purge-lock.ts'
import { runPurge } from '../../server/retention/purge.service.ts'
import { placeLegalHold, putRetention } from '../../server/retention/retention.service.ts'
import { startRetentionScheduler } from '../../server/retention/scheduler.ts'
import { appendMessages, startConversation } from '../../server/transcripts/index.ts'
import { memoryLogger } from '../helpers/silent-logger.ts'
import { exchange, openTranscriptDb, principalOf, type TranscriptTestDb } from '../helpers/transcript-fixtures.ts'

const AS_OF = new Date('2025-06-01T00:00:00Z')
const DEFAULTS = { public: 90, internal: 90, confidential: 30, restricted: 7 }
const DAY = 86_400_000

describe('retention purge with a fixed clock', () => {
  let t: TranscriptTestDb
  const ids: Record<string, string> = {}

  /** A conversation with two messages whose last message is `ageDays` before AS_OF (ms precision). */
  async function seed(name: string, user: string, classification: Classification, ageDays: number) {
    const p = principalOf(user)
    const { conversationId } = await startConversation(t.deps, p, name)
    await appendMessages(t.deps, p, conversationId, exchange(`q ${name}`, `a ${name}`, { classification }))
    await withOwner(t.db, (tx) => tx.query('UPDATE conversations SET last_message_at = $2 WHERE conversation_id = $1',
      [conversationId, new Date(AS_OF.getTime() - ageDays * DAY)]))
    ids[name] = conversationId
  }

  const remaining = async () => {
    const { rows } = await withOwner(t.db, (tx) => tx.query('SELECT conversation_id FROM conversations'))
    const present = new Set(rows.map((r) => r.conversation_id))
    return Object.keys(ids).filter((name) => present.has(ids[name])).sort()
  }

  before(async () => {
    t = await openTranscriptDb()
    const carol = principalOf('carol')
    await seed('A', 'alice', 'public', 91)
    await seed('B', 'alice', 'public', 89)
    await seed('C', 'alice', 'internal', 11) // acme's own rule below: internal 10 days
    await seed('D', 'alice', 'internal', 9)
    await seed('E', 'carol', 'restricted', 8)
    await seed('F', 'carol', 'restricted', 7) // exactly at the boundary: last + 7 days = asOf is not past it
    await seed('G', 'alice', 'confidential', 40) // conversation hold
    await seed('H', 'bob', 'confidential', 31) // user hold on bob
    await seed('I', 'bob', 'public', 200) // user hold on bob
    await seed('J', 'dave', 'confidential', 31) // globex: defaults
    await seed('K', 'dave', 'internal', 11) // globex: acme's 10-day rule does not apply
    await putRetention({ db: t.db, defaults: DEFAULTS }, carol, [{ classification: 'internal', retainDays: 10 }])
    await placeLegalHold(t.db, carol, { scope: 'conversation', targetId: ids.G!, caseRef: 'CASE-G' })
    await placeLegalHold(t.db, carol, { scope: 'user', targetId: 'bob', caseRef: 'CASE-BOB' })
  })
  after(() => t.close())

  it('when run dry, then it counts exactly what is due and what is held, and deletes and audits nothing', async () => {
    const report = await runPurge(t.db, { asOf: AS_OF, batchSize: 2, defaults: DEFAULTS, dryRun: true })
    assert.deepEqual([report.conversations, report.messages, report.held, report.complete], [4, 8, 3, true])
    assert.equal((await remaining()).length, 11)
  })

  it('when interrupted after one batch and run again, then exactly the due unheld conversations are gone, each batch audited', async () => {
    const controller = new AbortController()
    const first = await runPurge(t.db, {
      asOf: AS_OF, batchSize: 1, defaults: DEFAULTS, signal: controller.signal, onBatch: () => controller.abort(),
    })
    assert.deepEqual([first.conversations, first.batches, first.complete], [1, 1, false])
    assert.equal((await remaining()).length, 10)
    const second = await runPurge(t.db, { asOf: AS_OF, batchSize: 1, defaults: DEFAULTS })
    assert.deepEqual([second.conversations, second.messages, second.held, second.complete], [3, 6, 3, true])
    assert.deepEqual(await remaining(), ['B', 'D', 'F', 'G', 'H', 'I', 'K'])
    const messages = await withOwner(t.db, (tx) => tx.query('SELECT count(*)::int AS n FROM messages'))
    assert.equal(messages.rows[0].n, 14)

    const again = await runPurge(t.db, { asOf: AS_OF, batchSize: 1, defaults: DEFAULTS })
    assert.deepEqual([again.conversations, again.batches, again.held], [0, 0, 3])
    const audit = async (tenant: string) => (await withTenant(t.db, tenant, 'worker', (tx) =>
      tx.query(`SELECT actor, data FROM audit_log WHERE type = 'purge.run' ORDER BY seq`))).rows
    const acme = await audit('acme')
    assert.equal(acme.length, 3)
    for (const row of acme) {
      assert.equal(row.actor, 'system')
      assert.deepEqual(Object.keys(row.data).sort(), ['asOf', 'classification', 'conversations', 'messages', 'reason'])
      assert.deepEqual([row.data.conversations, row.data.messages, row.data.reason], [1, 2, 'retention'])
    }
    assert.deepEqual((await audit('globex')).map((r) => r.data.classification), [2])
  })

  it('when holds are released, then the next purge takes what they protected', async () => {
    const carol = principalOf('carol')
    const { rows } = await withOwner(t.db, (tx) => tx.query('SELECT hold_id FROM legal_holds'))
    const { releaseLegalHold } = await import('../../server/retention/retention.service.ts')
    for (const r of rows) await releaseLegalHold(t.db, carol, r.hold_id)
    const report = await runPurge(t.db, { asOf: AS_OF, batchSize: 10, defaults: DEFAULTS })
    assert.deepEqual([report.conversations, report.held], [3, 0])
    assert.deepEqual(await remaining(), ['B', 'D', 'F', 'K'])
  })

  it('when a purge holds the lock, then a second one in this process or another instance is refused until release', async () => {
    const lock = await tryPurgeLock(t.db)
    assert.ok(lock)
    assert.equal(await tryPurgeLock(t.db), null)
    if (t.engine === 'postgres') {
      const other = await openDatabase({ ...t.config.database, dataDir: t.config.dataDir, holder: 'another instance' })
      try {
        assert.equal(await tryPurgeLock(other), null)
        await lock.release()
        const theirs = await tryPurgeLock(other)
        assert.ok(theirs)
        assert.equal(await tryPurgeLock(t.db), null)
        await theirs.release()
      } finally {
        await other.close()
      }
    } else {
      await lock.release()
    }
    const again = await tryPurgeLock(t.db)
    assert.ok(again)
    await again.release()
  })

  it('when the scheduler ticks, then it purges under the lock, skips while another purge runs, and stops cleanly', async () => {
    const { logger, lines } = memoryLogger('info')
    const now = new Date()
    await seed('S', 'mallory', 'public', (AS_OF.getTime() - now.getTime()) / DAY + 120)
    const config = { ...t.config, retention: { ...t.config.retention, purgeSchedule: '* * * * * *' } }
    const held = await tryPurgeLock(t.db)
    const scheduler = startRetentionScheduler({ db: t.db, config, logger })
    try {
      assert.equal(await scheduler.runNow(), null)
      assert.ok(lines.some((l) => l.includes('purge skipped')))
      await held!.release()
      const deadline = Date.now() + 15_000
      const finished = () => lines.some((l) => l.includes('purge finished'))
      while (!finished() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200))
      assert.ok(!(await remaining()).includes('S'), 'the scheduled run purged the due conversation')
      assert.ok(!lines.some((l) => l.includes('q S') || l.includes('a S')), 'no transcript text in logs')
    } finally {
      await scheduler.stop()
    }
    assert.equal(await scheduler.runNow(), null)
  })
})
