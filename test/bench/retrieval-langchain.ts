import type { Database } from '../../server/db/pool.ts'
import { withOwner } from '../../server/db/tx.ts'
import { levelOf } from '../../server/policy/levels.ts'
import { principalsOf, type Subject } from '../../server/policy/rule.ts'

/**
 * A reproduction of LangChain.js's PGVectorStore (`@langchain/community/vectorstores/pgvector`) for side-by-side
 * figures: its table layout (id, content, metadata jsonb, embedding) and the SQL its `similaritySearch` sends,
 * `SELECT *, embedding <=> $1 AS "_distance" FROM t WHERE <metadata filter> ORDER BY "_distance" ASC LIMIT $2`,
 * with the filter clauses its buildFilterClauses writes (`->>'key' = $n`, `(->>'key')::numeric <= $n`,
 * `->'key' ?| array[...]`), run with pgvector's default settings (ef_search 40, no iterative scan), as a plain
 * application connection would. The package is not installed here; with `@langchain/community` (or
 * `@langchain/pgvector`) added, `new PGVectorStore(...).similaritySearchVectorWithScore(q, k, filter)` sends the
 * same statement.
 */
export const LANGCHAIN_TABLE = 'langchain_pg_embedding'
const ANY = '__any__'

/** Copies the loaded chunks into the LangChain layout; the rule's attributes become metadata keys. */
export async function loadLangchainTable(db: Database, key: string, log: (line: string) => void): Promise<void> {
  const current = await withOwner(db, async (tx) => {
    const { rows } = await tx.query(`SELECT obj_description(to_regclass($1), 'pg_class') AS key`, [LANGCHAIN_TABLE])
    return rows[0]?.key as string | null
  })
  if (current === key) return
  log('copying the corpus into the LangChain table layout')
  await withOwner(db, async (tx) => {
    await tx.query(`DROP TABLE IF EXISTS ${LANGCHAIN_TABLE}`)
    // An empty department or allow-list means "anyone": stored as the ANY marker that every filter includes,
    // because LangChain filters are ANDed key by key and cannot say "empty or overlapping".
    await tx.query(`CREATE TABLE ${LANGCHAIN_TABLE} AS
      SELECT chunk_id AS id, text AS content,
             jsonb_build_object('tenant', tenant_id, 'classification', classification, 'quarantined', quarantined::text,
               'departments', to_jsonb(CASE WHEN departments = '{}' THEN ARRAY['${ANY}'] ELSE departments END),
               'allowed', to_jsonb(CASE WHEN allowed_principals = '{}' THEN ARRAY['${ANY}'] ELSE allowed_principals END))
               AS metadata,
             embedding
      FROM chunks`)
    await tx.query(`ALTER TABLE ${LANGCHAIN_TABLE} ADD PRIMARY KEY (id)`)
  })
  log('building the LangChain table HNSW index')
  const client = await db.ownerPool.connect()
  try {
    await client.query(`SET maintenance_work_mem = '1GB'`)
    await client.query(`CREATE INDEX ON ${LANGCHAIN_TABLE} USING hnsw (embedding vector_cosine_ops)`)
    await client.query(`RESET maintenance_work_mem`)
    await client.query(`VACUUM ANALYZE ${LANGCHAIN_TABLE}`)
    await client.query(`COMMENT ON TABLE ${LANGCHAIN_TABLE} IS ${quote(key)}`)
  } finally {
    client.release()
  }
}

/** The MetadataFilter that states the access rule for `subject` in LangChain's filter language. */
export function langchainFilter(subject: Subject): Record<string, unknown> {
  return {
    tenant: subject.tenantId,
    quarantined: 'false',
    classification: { lte: levelOf(subject.clearance) },
    departments: { arrayContains: [...subject.departments, ANY] },
    allowed: { arrayContains: [...principalsOf(subject), ANY] },
  }
}

/** The statement PGVectorStore.searchPostgres builds for this filter (same clause order and placeholders). */
export function langchainQuery(embedding: string, k: number, filter: Record<string, unknown>) {
  const where: string[] = []
  const values: unknown[] = [embedding, k]
  for (const [key, value] of Object.entries(filter)) {
    if (typeof value === 'object' && value !== null) {
      const v = value as { arrayContains?: string[]; lte?: number }
      if (v.arrayContains) {
        const first = values.length + 1
        where.push(`metadata->'${key}' ?| array[${v.arrayContains.map((_, i) => `$${first + i}`).join(',')}]`)
        values.push(...v.arrayContains)
      }
      if (typeof v.lte === 'number') {
        values.push(v.lte)
        where.push(`(metadata->>'${key}')::numeric <= $${values.length}`)
      }
    } else {
      values.push(value)
      where.push(`metadata->>'${key}' = $${values.length}`)
    }
  }
  const text = `SELECT *, "embedding" <=> $1 as "_distance" FROM ${LANGCHAIN_TABLE}
    WHERE ${where.join(' AND ')} ORDER BY "_distance" ASC LIMIT $2;`
  return { text, values }
}

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`
}
