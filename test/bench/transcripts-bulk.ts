import type { Database } from '../../server/db/pool.ts'
import { withOwner } from '../../server/db/tx.ts'

/**
 * Grows a tenant's transcript store to the size the purge and shred figures are quoted at, without paying the
 * envelope SDK's cost (about a millisecond of CPU per sealed value) for each of a million rows.
 *
 * The tenant's genuine conversations, stored through the transcript service, are the templates. Each copy is a new
 * conversations row with its own conversation id and a new messages row per template message with its own message
 * id, inserted by the server (INSERT ... SELECT) into the real tables, indexes and foreign key. The copied
 * ciphertexts are the templates' real envelopes (header, wrapped data key, body, tag) and have their size, so the
 * purge deletes as many bytes and index entries as it would in a real store; but a copy shares its template's data
 * key, and its header is bound to the template's ids, so it cannot be opened under its own. The purge and the shred
 * never open a ciphertext, which is why this is a fair population for them and not for the store or load figures.
 */
export interface ReplicateOptions {
  /** Copies are dated back by between `minAgeDays` and `maxAgeDays` from their template (uniformly). */
  minAgeDays: number
  maxAgeDays: number
  /** Messages inserted per statement (one transaction each). */
  chunkMessages: number
  log: (line: string) => void
}

export async function replicate(db: Database, tenantId: string, target: number, opts: ReplicateOptions) {
  const templates = (await withOwner(db, (tx) => tx.query(
    `SELECT conversation_id, message_count FROM conversations WHERE tenant_id = $1 ORDER BY created_at, conversation_id`,
    [tenantId],
  ))).rows as Array<{ conversation_id: string; message_count: number }>
  const perRound = templates.reduce((n, t) => n + t.message_count, 0)
  if (perRound === 0) throw new Error(`tenant ${tenantId} has no template messages to copy`)
  let have = perRound
  const started = performance.now()
  while (have < target) {
    const rounds = Math.min(Math.floor((target - have) / perRound), Math.max(1, Math.floor(opts.chunkMessages / perRound)))
    // The last, partial round copies a prefix of the templates; it may overshoot by less than one conversation.
    const ids = rounds > 0 ? templates.map((t) => t.conversation_id) : prefixFor(templates, target - have)
    have += await copyRound(db, tenantId, ids, Math.max(rounds, 1), opts)
    opts.log(`${tenantId}: ${have} messages (${Math.round(have / ((performance.now() - started) / 1000))} rows/s copied)`)
  }
  return { messages: have, templates: perRound, seconds: (performance.now() - started) / 1000 }
}

function prefixFor(templates: Array<{ conversation_id: string; message_count: number }>, messages: number): string[] {
  const ids: string[] = []
  for (let n = 0, i = 0; n < messages && i < templates.length; i++) {
    ids.push(templates[i]!.conversation_id)
    n += templates[i]!.message_count
  }
  return ids
}

/**
 * One statement: `rounds` copies of each listed template conversation and its messages. The messages' foreign key is
 * checked at the end of the statement, when the copied conversations exist. Returns the messages inserted.
 */
async function copyRound(db: Database, tenantId: string, ids: string[], rounds: number, opts: ReplicateOptions): Promise<number> {
  const { rowCount } = await withOwner(db, (tx) => tx.query(
    `WITH copy AS MATERIALIZED (
       SELECT s.id AS src, gen_random_uuid() AS dst,
              make_interval(secs => 86400 * ($4::float8 + random() * ($5::float8 - $4::float8))) AS shift
         FROM unnest($2::uuid[]) AS s(id) CROSS JOIN generate_series(1, $3::int) AS g),
     conversation AS (
       INSERT INTO conversations (tenant_id, conversation_id, user_id, title_ct, key_version, classification,
         message_count, byte_size, created_at, last_message_at)
       SELECT c.tenant_id, copy.dst, c.user_id, c.title_ct, c.key_version, c.classification, c.message_count,
              c.byte_size, c.created_at - copy.shift, c.last_message_at - copy.shift
         FROM copy JOIN conversations c ON c.tenant_id = $1 AND c.conversation_id = copy.src)
     INSERT INTO messages (tenant_id, message_id, conversation_id, user_id, role, body_ct, citations_ct, key_version,
       classification, prompt_version, prompt_hash, provider, model, byte_size, created_at)
     SELECT m.tenant_id, gen_random_uuid(), copy.dst, m.user_id, m.role, m.body_ct, m.citations_ct, m.key_version,
            m.classification, m.prompt_version, m.prompt_hash, m.provider, m.model, m.byte_size, m.created_at - copy.shift
       FROM copy JOIN messages m ON m.tenant_id = $1 AND m.conversation_id = copy.src`,
    [tenantId, ids, rounds, opts.minAgeDays, opts.maxAgeDays],
  ))
  return rowCount ?? 0
}

/** Dates a tenant's existing conversations and messages back by `days`, so that they fall past retention. */
export async function ageTenant(db: Database, tenantId: string, days: number): Promise<void> {
  await withOwner(db, async (tx) => {
    await tx.query(
      `UPDATE conversations SET created_at = created_at - make_interval(days => $2),
          last_message_at = last_message_at - make_interval(days => $2) WHERE tenant_id = $1`,
      [tenantId, days],
    )
    await tx.query(`UPDATE messages SET created_at = created_at - make_interval(days => $2) WHERE tenant_id = $1`, [tenantId, days])
  })
}

/**
 * Brings the tables to the state a long-running server has them in before the timed phases: statistics and
 * visibility map by VACUUM (ANALYZE) (the test server runs with autovacuum off), and the bulk load's dirty pages
 * written out by a checkpoint, so that neither lands inside a measurement. CHECKPOINT needs superuser or
 * pg_checkpoint; without it the run goes on and says so.
 */
export async function settle(db: Database, log: (line: string) => void): Promise<number> {
  const started = performance.now()
  await db.ownerPool.query('VACUUM (ANALYZE) conversations, messages, tenant_keys')
  await db.ownerPool.query('CHECKPOINT').catch((err: unknown) => log(`checkpoint skipped: ${(err as Error).message}`))
  return (performance.now() - started) / 1000
}

/** Rows, and bytes on disk of the transcript tables with their indexes and TOAST. */
export async function tableSizes(db: Database) {
  const { rows } = await db.ownerPool.query(
    `SELECT (SELECT count(*) FROM messages)::bigint AS messages, (SELECT count(*) FROM conversations)::bigint AS conversations,
            (pg_total_relation_size('messages') + pg_total_relation_size('conversations'))::bigint AS bytes`,
  )
  return { messages: Number(rows[0].messages), conversations: Number(rows[0].conversations), bytes: Number(rows[0].bytes) }
}
