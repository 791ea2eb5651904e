import type { Tx } from '../../server/db/tx.ts'

/** A document with its chunks, as a test fixture or a benchmark batch writes it (as the schema owner). */
export interface SeedDocument {
  tenantId: string
  documentId: string
  title: string
  classification: number
  departments: readonly string[]
  allowedPrincipals: readonly string[]
  quarantined: boolean
  chunks: ReadonlyArray<{ chunkId: string; text: string; embedding: ArrayLike<number>; page?: number; headingPath?: string[] }>
}

export async function insertTenants(tx: Tx, tenantIds: readonly string[]): Promise<void> {
  await tx.query(
    `INSERT INTO tenants (tenant_id, name) SELECT t, t FROM unnest($1::text[]) AS t ON CONFLICT DO NOTHING`,
    [tenantIds],
  )
}

/**
 * Inserts documents and their chunks with one statement per table: rows travel as parallel arrays through
 * unnest, so a batch of a thousand chunks costs one round trip. Per-row arrays (departments, allow-lists, heading
 * paths) travel as array literals because unnest flattens a two-dimensional array.
 */
export async function insertDocuments(tx: Tx, docs: readonly SeedDocument[], opts: { int16Vectors?: boolean } = {}): Promise<void> {
  if (docs.length === 0) return
  await tx.query(
    `INSERT INTO documents (tenant_id, document_id, title, source, content_hash, format, byte_size, classification,
                            departments, allowed_principals, quarantined, chunk_count, created_by)
     SELECT u.tenant_id, u.document_id, u.title, 'seed:' || u.document_id, 'seed', 'text', 0, u.classification,
            u.departments::text[], u.allowed::text[], u.quarantined, u.chunk_count, 'seed'
     FROM unnest($1::text[], $2::uuid[], $3::text[], $4::smallint[], $5::text[], $6::text[], $7::bool[], $8::int[])
       AS u(tenant_id, document_id, title, classification, departments, allowed, quarantined, chunk_count)`,
    [
      docs.map((d) => d.tenantId),
      docs.map((d) => d.documentId),
      docs.map((d) => d.title),
      docs.map((d) => d.classification),
      docs.map((d) => arrayLiteral(d.departments)),
      docs.map((d) => arrayLiteral(d.allowedPrincipals)),
      docs.map((d) => d.quarantined),
      docs.map((d) => d.chunks.length),
    ],
  )
  const rows = docs.flatMap((d) => d.chunks.map((c, ordinal) => ({ d, c, ordinal })))
  await tx.query(
    `INSERT INTO chunks (tenant_id, chunk_id, document_id, ordinal, title, heading_path, page, text, embedding,
                         embedding_model, classification, departments, allowed_principals, quarantined)
     SELECT u.tenant_id, u.chunk_id, u.document_id, u.ordinal, u.title, u.heading_path::text[], u.page, u.text,
            ${opts.int16Vectors ? 'u.embedding::int2[]::real[]::vector' : 'u.embedding::vector'}, 'synthetic', u.classification, u.departments::text[], u.allowed::text[], u.quarantined
     FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::int[], $5::text[], $6::text[], $7::int[], $8::text[],
                 $9::text[], $10::smallint[], $11::text[], $12::text[], $13::bool[])
       AS u(tenant_id, chunk_id, document_id, ordinal, title, heading_path, page, text, embedding, classification,
            departments, allowed, quarantined)`,
    [
      rows.map((r) => r.d.tenantId),
      rows.map((r) => r.c.chunkId),
      rows.map((r) => r.d.documentId),
      rows.map((r) => r.ordinal),
      rows.map((r) => r.d.title),
      rows.map((r) => arrayLiteral(r.c.headingPath ?? [])),
      rows.map((r) => r.c.page ?? null),
      rows.map((r) => r.c.text),
      rows.map((r) => (opts.int16Vectors ? int16Literal(r.c.embedding) : vectorLiteral(r.c.embedding))),
      rows.map((r) => r.d.classification),
      rows.map((r) => arrayLiteral(r.d.departments)),
      rows.map((r) => arrayLiteral(r.d.allowedPrincipals)),
      rows.map((r) => r.d.quarantined),
    ],
  )
}

export function vectorLiteral(v: ArrayLike<number>): string {
  let s = '['
  for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + (v[i] as number).toPrecision(7)
  return s + ']'
}

/**
 * The vector scaled so its largest component is 32767 and rounded: cosine distance ignores the scale, and
 * integers parse several times faster than floats in PGlite's WebAssembly build, which makes bulk loads of tens
 * of thousands of 384-dimensional rows affordable there. Relative rounding error stays below 1e-4.
 */
function int16Literal(v: ArrayLike<number>): string {
  let max = 0
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i] as number))
  const scale = max > 0 ? 32767 / max : 0
  let s = '{'
  for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + Math.round((v[i] as number) * scale)
  return s + '}'
}

function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/(["\\])/g, '\\$1')}"`).join(',')}}`
}
