import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Database } from '../../server/db/pool.ts'
import { withOwner } from '../../server/db/tx.ts'
import { levelOf } from '../../server/policy/levels.ts'
import { principalsOf, type Subject } from '../../server/policy/rule.ts'

/**
 * The real LangChain.js PGVectorStore (`@langchain/community/vectorstores/pgvector`), side by side with our search:
 * what a user of langchain + pgvector writes. `@langchain/community` cannot go into the project's lockfile (its
 * optional peer @browserbasehq/stagehand conflicts with the project's zod), so the first run installs it into the
 * git-ignored folder test/bench/.langchain and imports it from there; @langchain/core and pg are pinned to the
 * project's own versions.
 */
const PREFIX = path.join(import.meta.dirname, '.langchain')
const COMMUNITY_VERSION = '1.1.29'
export const LANGCHAIN_TABLE = 'langchain_pg_embedding'
const DIMENSIONS = 384
// LangChain filters are ANDed key by key and cannot say "empty or overlapping", so an empty department or allow-list
// is stored as this marker and every filter lists it.
const ANY = '__any__'

/** The part of PGVectorStore the benchmark uses. */
export interface LangchainStore {
  similaritySearch(query: string, k: number, filter?: Record<string, unknown>): Promise<Array<{ id?: string }>>
  createHnswIndex(config: { dimensions: number; m?: number; efConstruction?: number }): Promise<void>
  end(): Promise<void>
}
interface StoreModule {
  PGVectorStore: { initialize(embeddings: unknown, config: Record<string, unknown>): Promise<LangchainStore> }
}

function projectVersion(pkg: string): string {
  const file = path.join(import.meta.dirname, '../../node_modules', pkg, 'package.json')
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version
}

/** Installs @langchain/community into test/bench/.langchain unless that exact version is there; returns its module. */
export async function loadLangchain(log: (line: string) => void): Promise<StoreModule> {
  const installed = path.join(PREFIX, 'node_modules/@langchain/community/package.json')
  const version = fs.existsSync(installed) ? (JSON.parse(fs.readFileSync(installed, 'utf8')) as { version: string }).version : null
  if (version !== COMMUNITY_VERSION) {
    fs.mkdirSync(PREFIX, { recursive: true })
    fs.writeFileSync(path.join(PREFIX, '.gitignore'), '*\n')
    const specs = [`@langchain/community@${COMMUNITY_VERSION}`, `@langchain/core@${projectVersion('@langchain/core')}`, `pg@${projectVersion('pg')}`]
    log(`installing ${specs.join(' ')} into ${path.relative(process.cwd(), PREFIX)}`)
    const npm = spawnSync('npm', ['install', '--prefix', PREFIX, '--no-audit', '--no-fund', '--legacy-peer-deps', ...specs], {
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    if (npm.status !== 0) throw new Error(`npm install of the LangChain packages failed (exit ${npm.status})`)
  }
  const resolved = createRequire(path.join(PREFIX, 'package.json')).resolve('@langchain/community/vectorstores/pgvector')
  return (await import(pathToFileURL(resolved).href)) as StoreModule
}

/**
 * The query embeddings, looked up by name: the benchmark's queries are vectors, and similaritySearch embeds its query
 * text through this, so the store runs its own similaritySearch path unchanged.
 */
export function vectorEmbeddings(vectors: ReadonlyMap<string, number[]>) {
  return {
    embedQuery: async (text: string) => {
      const v = vectors.get(text)
      if (!v) throw new Error(`no vector for query ${text}`)
      return v
    },
    embedDocuments: async () => {
      throw new Error('documents are copied in with their vectors, never embedded here')
    },
  }
}

/**
 * Opens the store on its own table, created by PGVectorStore.initialize (id, text, metadata, embedding vector(384))
 * and filled with the same chunk ids, text, vectors and access attributes as chunks (copied in SQL: inserting 100k
 * rows through addVectors would only measure the load). Its HNSW index comes from createHnswIndex with LangChain's
 * defaults (m 16, ef_construction 64), what ours use for levels under 50k chunks, built with `buildOptions` (PostgreSQL
 * startup options).
 * Searches run on a pool with `queryOptions`. The table is reused while the corpus key is unchanged.
 */
export async function openLangchainStore(
  db: Database, mod: StoreModule, connectionString: string, key: string, embeddings: unknown, log: (line: string) => void,
  opts: { buildOptions: string; queryOptions?: string },
): Promise<LangchainStore> {
  // initialize() holds one client for the store's lifetime, so its pool needs a second one for queries.
  const open = (options?: string) => mod.PGVectorStore.initialize(embeddings, {
    postgresConnectionOptions: { connectionString, max: 2, ...(options ? { options } : {}) },
    tableName: LANGCHAIN_TABLE,
    dimensions: DIMENSIONS,
    distanceStrategy: 'cosine',
  })
  const current = await withOwner(db, async (tx) =>
    (await tx.query(`SELECT obj_description(to_regclass($1), 'pg_class') AS key`, [LANGCHAIN_TABLE])).rows[0]?.key as string | null)
  if (current !== key) {
    await withOwner(db, (tx) => tx.query(`DROP TABLE IF EXISTS ${LANGCHAIN_TABLE}`))
    const builder = await open(opts.buildOptions)
    try {
      log('copying the corpus into the LangChain table')
      await withOwner(db, (tx) => tx.query(`INSERT INTO ${LANGCHAIN_TABLE} (id, text, metadata, embedding)
        SELECT chunk_id, text,
               jsonb_build_object('tenant', tenant_id, 'classification', classification, 'quarantined', quarantined,
                 'departments', to_jsonb(CASE WHEN departments = '{}' THEN ARRAY['${ANY}'] ELSE departments END),
                 'allowed', to_jsonb(CASE WHEN allowed_principals = '{}' THEN ARRAY['${ANY}'] ELSE allowed_principals END)),
               embedding
        FROM chunks`))
      log('building the LangChain table HNSW index (createHnswIndex)')
      await builder.createHnswIndex({ dimensions: DIMENSIONS })
    } finally {
      await builder.end()
    }
    await withOwner(db, async (tx) => {
      // createHnswIndex logs and swallows its errors, so the index is checked here.
      const { rows } = await tx.query(`SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = $1 AND indexdef LIKE '%USING hnsw%'`, [LANGCHAIN_TABLE])
      if (rows[0]?.n !== 1) throw new Error('createHnswIndex did not create the HNSW index')
      await tx.query(`ANALYZE ${LANGCHAIN_TABLE}`)
      await tx.query(`COMMENT ON TABLE ${LANGCHAIN_TABLE} IS ${quote(key)}`)
    })
  }
  return open(opts.queryOptions)
}

/** The access rule for `subject` in LangChain's metadata filter language (equality, lte, arrayContains). */
export function langchainFilter(subject: Subject): Record<string, unknown> {
  return {
    tenant: subject.tenantId,
    quarantined: 'false',
    classification: { lte: levelOf(subject.clearance) },
    departments: { arrayContains: [...subject.departments, ANY] },
    allowed: { arrayContains: [...principalsOf(subject), ANY] },
  }
}

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`
}
