import type { Database } from '../../server/db/pool.ts'
import { withOwner } from '../../server/db/tx.ts'
import { insertTenants } from './seed-chunks.ts'
import { basisLayout, basisVectors, documentLayout, NOISE_TERMS, TENANT, RIVAL_TENANT, type CorpusSpec } from './synthetic-corpus.ts'

const VOCABULARY = 'audit policy ledger invoice server vendor budget roadmap incident review contract payroll release'

/**
 * Loads the synthetic corpus (synthetic-corpus.ts) as the schema owner. Chunk vectors are composed inside the
 * database as centre + a few noise vectors from a small basis table, so a batch statement carries document ids and
 * small integers, not 384 floats per chunk: parsing float text is the bottleneck of bulk loads, badly so in
 * PGlite's WebAssembly build (20k chunks: ~70 s shipped as text, a few seconds composed in SQL).
 * Vectors travel as integers scaled by 1e4; cosine distance ignores the common scale.
 */
export async function loadSyntheticCorpus(
  db: Database,
  spec: CorpusSpec,
  opts: { batchDocs?: number; onProgress?: (chunks: number) => void } = {},
): Promise<number> {
  const basis = basisVectors(spec)
  const { noiseStart, bridgeStart, end } = basisLayout(spec)
  const layout = documentLayout(spec)
  await withOwner(db, async (tx) => {
    await insertTenants(tx, [TENANT, RIVAL_TENANT])
    await tx.query('DROP TABLE IF EXISTS synthetic_basis')
    await tx.query('CREATE TABLE synthetic_basis (i int PRIMARY KEY, v vector(384) NOT NULL)')
    await tx.query(
      `INSERT INTO synthetic_basis SELECT u.i - 1, u.v::int4[]::real[]::vector
       FROM unnest($1::text[]) WITH ORDINALITY AS u(v, i)`,
      [basis.map((v) => `{${Array.from(v, (x) => Math.round(x * 1e4)).join(',')}}`)],
    )
  })
  const batch = opts.batchDocs ?? Math.max(1, Math.floor(5000 / spec.chunksPerDoc))
  let loaded = 0
  for (let from = 0; from < layout.length; from += batch) {
    const docs = layout.slice(from, from + batch)
    const firstChunk = docs.map((_, i) => (from + i) * spec.chunksPerDoc)
    await withOwner(db, async (tx) => {
      await tx.query(
        `INSERT INTO documents (tenant_id, document_id, title, source, content_hash, format, byte_size, classification,
                                departments, allowed_principals, chunk_count, created_by)
         SELECT $1, u.id, 'doc ' || u.id, 'synthetic:' || u.id, 'synthetic', 'text', 0, u.c, u.d::text[], u.a::text[], u.n, 'synthetic'
         FROM unnest($2::uuid[], $3::smallint[], $4::text[], $5::text[], $6::int[]) AS u(id, c, d, a, n)`,
        [TENANT, docs.map((d) => d.documentId), docs.map((d) => d.classification), docs.map((d) => literal(d.departments)),
          docs.map((d) => literal(d.allowed)), docs.map((d) => d.chunks)],
      )
      // Each chunk adds NOISE_TERMS noise vectors and one bridge vector, chosen by hashing its global index.
      await tx.query(
        `INSERT INTO chunks (tenant_id, document_id, ordinal, title, text, embedding, embedding_model, classification,
                             departments, allowed_principals, quarantined)
         SELECT d.tenant_id, d.document_id, j, d.title,
                'topic' || u.cluster || ' ' || array_to_string((SELECT array_agg(w.words[1 + ((u.first + j) * 31 + k * 17) % 13])
                  FROM (SELECT string_to_array($3, ' ') AS words) w, generate_series(1, $4::int) k), ' '),
                c.v + (SELECT sum(b.v) FROM generate_series(1, $8::int) t
                       JOIN synthetic_basis b ON b.i = $7 + abs(hashint4((u.first + j) * 16 + t)) % ($9::int - $7))
                    + (SELECT b.v FROM synthetic_basis b WHERE b.i = $9 + abs(hashint4((u.first + j) * 16 + 15)) % ($10::int - $9)),
                'synthetic', d.classification, d.departments, d.allowed_principals, d.quarantined
         FROM unnest($2::uuid[], $5::int[], $6::int[]) AS u(document_id, cluster, first)
         JOIN documents d ON d.tenant_id = $1 AND d.document_id = u.document_id
         CROSS JOIN LATERAL generate_series(0, d.chunk_count - 1) AS j
         JOIN synthetic_basis c ON c.i = u.cluster`,
        [TENANT, docs.map((d) => d.documentId), VOCABULARY, spec.words, docs.map((d) => d.cluster), firstChunk,
          noiseStart, NOISE_TERMS, bridgeStart, end],
      )
    })
    loaded += docs.reduce((n, d) => n + d.chunks, 0)
    opts.onProgress?.(loaded)
  }
  await withOwner(db, (tx) => tx.query('DROP TABLE synthetic_basis'))
  return loaded
}

function literal(values: readonly string[]): string {
  return `{${values.map((v) => `"${v}"`).join(',')}}`
}
