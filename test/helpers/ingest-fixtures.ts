import type { IngestDeps, IngestInput } from '../../ingest/pipeline.ts'
import { findDemoUser } from '../../server/auth/demo-users.ts'
import type { Database } from '../../server/db/pool.ts'
import { withOwner, type AccessScope } from '../../server/db/tx.ts'
import type { Embedder } from '../../server/llm/embeddings.ts'
import { LocalHashEmbedder } from '../../server/llm/local-embedder.ts'
import { levelOf } from '../../server/policy/levels.ts'
import type { TestDatabase } from './test-db.ts'

export function ingestDeps(t: TestDatabase, embedder: Embedder = new LocalHashEmbedder()): IngestDeps {
  return { db: t.db, embedder, config: t.config }
}

export function ingestInput(overrides: Partial<IngestInput> & { text?: string } = {}): IngestInput {
  const { text, ...rest } = overrides
  return {
    tenantId: 'acme',
    bytes: Buffer.from(text ?? '# Notes\n\nThe quarterly planning meeting is on Tuesday.\n'),
    fileName: 'notes.md',
    source: 'docs/notes.md',
    classification: 'internal',
    departments: [],
    allow: [],
    actor: 'cli:ingest',
    ...rest,
  }
}

/** Rows stored for a tenant, read as the schema owner (sees everything, including chunk text). */
export async function storedRows(db: Database, tenantId = 'acme') {
  return withOwner(db, async (tx) => {
    const docs = await tx.query(`SELECT * FROM documents WHERE tenant_id = $1 ORDER BY source`, [tenantId])
    const chunks = await tx.query(
      `SELECT document_id, ordinal, text, heading_path, page, quarantined, instruction_flagged, embedding_model,
              classification, departments, allowed_principals
       FROM chunks WHERE tenant_id = $1 ORDER BY document_id, ordinal`,
      [tenantId],
    )
    return { documents: docs.rows, chunks: chunks.rows }
  })
}

export async function auditEvents(db: Database, tenantId = 'acme') {
  const { rows } = await withOwner(db, (tx) =>
    tx.query(`SET LOCAL ROLE strongroom_auditor`).then(() =>
      tx.query(`SELECT type, actor, outcome, data FROM audit_log WHERE tenant_id = $1 ORDER BY seq`, [tenantId])))
  return rows as Array<{ type: string; actor: string; outcome: string; data: Record<string, unknown> }>
}

/** The access scope a demo user's requests run with. */
export function scopeOf(username: string): AccessScope {
  const u = findDemoUser(username)
  if (!u) throw new Error(`no demo user ${username}`)
  return {
    tenantId: u.tenant,
    userId: u.username,
    clearance: levelOf(u.clearance),
    departments: u.departments,
    principals: [`user:${u.username}`, ...u.groups.map((g) => `group:${g}`)],
  }
}

/** An embedder that fails on its `failOnCall`-th call, to prove a failure mid-ingest stores nothing. */
export class FailingEmbedder implements Embedder {
  readonly inner = new LocalHashEmbedder()
  readonly model = this.inner.model
  readonly dimensions = this.inner.dimensions
  calls = 0
  constructor(private readonly failOnCall: number) {}
  async embedDocuments(texts: string[]): Promise<number[][]> {
    if (++this.calls === this.failOnCall) throw new Error('embedding backend went away')
    return this.inner.embedDocuments(texts)
  }
  embedQuery(text: string): Promise<number[]> {
    return this.inner.embedQuery(text)
  }
}
