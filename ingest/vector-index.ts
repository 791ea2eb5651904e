import type { Database } from '../server/db/pool.ts'
import { withOwner } from '../server/db/tx.ts'
import { CLASSIFICATIONS, countsByLevel } from '../server/policy/levels.ts'
import { graphPrecision } from '../server/retrieval/graph-precision.ts'
import { chooseBuildWorkers, parallelBuildIsSafe } from './hnsw-build-workers.ts'
import {
  countChunksByLevel, createVectorIndex, efConstructionFor, LARGE_LEVEL_EF_CONSTRUCTION, VECTOR_INDEXES, type VectorIndex,
} from './vector-index-definition.ts'

/**
 * The HNSW indexes on chunk embeddings, one per classification level (migrations/0015), for bulk loads. Keeping an
 * HNSW graph up to date row by row costs several times what building it once costs (measured: about 1.2 ms of server
 * CPU per inserted chunk against about 0.2 ms per chunk for a build), so a large load drops the indexes, inserts, and
 * builds them again with more maintenance memory. A pgvector build before 0.8.2 must run on one process
 * (chooseBuildWorkers), but the levels are separate indexes: on a server they are built on separate connections at
 * once, so the build of a load that spans levels uses more than one core.
 *
 * On a server each graph holds the embeddings cast to half precision (migrations/0018), so its length is part of the
 * definition: builds read it from the column. While an index is absent every search stays correct: the vector query
 * of that level (`ORDER BY embedding::halfvec(n) <=> $1 LIMIT n`) becomes a sequential scan and sort, which is exact,
 * only slower. A build takes a SHARE lock on chunks: searches go on, other writers wait for it.
 */
export type VectorIndexState = 'valid' | 'invalid' | 'missing'

export interface VectorIndexOptions {
  /** Upper bound for maintenance_work_mem of all builds together, in MB; a build asks for less when its level is small. */
  maxMemoryMb?: number
  /** Level indexes built at once on a server (each on its own connection); PGlite builds one at a time. */
  concurrency?: number
  /** Told when a build starts and how it went; the CLI prints it. */
  log?: (message: string) => void
  /** Overrides LARGE_LEVEL_CHUNKS (vector-index-definition.ts); tests use it to reach the large-level path with a few chunks. */
  largeLevelChunks?: number
}

const DEFAULT_MAX_MEMORY_MB = { postgres: 1024, pglite: 256 }
const DEFAULT_CONCURRENCY = 2
// Per row during an in-memory build: the vector (at most 4 bytes a dimension, 384 by default), its neighbour lists
// and overhead.
const BUILD_BYTES_PER_ROW = 384 * 4 + 1024

interface LevelIndexState {
  state: VectorIndexState
  /** The ef_construction the graph was built with; undefined: pgvector's default. */
  efConstruction: number | undefined
}

/** Each level index's state and build setting, in level order. */
async function levelIndexStates(db: Database): Promise<LevelIndexState[]> {
  const { rows } = await withOwner(db, (tx) =>
    tx.query<{ name: string; valid: boolean; ef: string | null }>(
      `SELECT c.relname AS name, i.indisvalid AND i.indisready AS valid,
              (SELECT option_value FROM pg_options_to_table(c.reloptions) WHERE option_name = 'ef_construction') AS ef
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE c.relname = ANY ($1::text[]) AND c.relnamespace = 'public'::regnamespace`,
      [VECTOR_INDEXES.map((x) => x.name)],
    ))
  const found = new Map(rows.map((r) => [r.name, r]))
  return VECTOR_INDEXES.map((x) => {
    const row = found.get(x.name)
    return { state: !row ? 'missing' : row.valid ? 'valid' : 'invalid', efConstruction: row?.ef == null ? undefined : Number(row.ef) }
  })
}

async function indexStates(db: Database): Promise<VectorIndexState[]> {
  return (await levelIndexStates(db)).map((x) => x.state)
}

/**
 * The valid level graphs that were built for a smaller level: built with the default ef_construction, their level
 * has since grown past the large-level size through incremental ingest (which adds to a graph, never rebuilds it).
 * Every ingest run asks, so the sizes come from the documents' chunk counts (one row per document) rather than from
 * counting chunks; chunks carry their document's classification.
 */
export async function outgrownVectorIndexes(db: Database, opts: Pick<VectorIndexOptions, 'largeLevelChunks'> = {}): Promise<Array<VectorIndex & { chunks: number }>> {
  const states = await levelIndexStates(db)
  const candidates = VECTOR_INDEXES.filter((x) => states[x.level]?.state === 'valid' && states[x.level]?.efConstruction === undefined)
  if (candidates.length === 0) return []
  const counts = await withOwner(db, async (tx) => countsByLevel((await tx.query<{ level: number; n: string }>(
    `SELECT classification AS level, sum(chunk_count) AS n FROM documents GROUP BY classification`)).rows))
  return candidates
    .map((x) => ({ ...x, chunks: counts[x.level] ?? 0 }))
    .filter((x) => efConstructionFor(x.chunks, opts.largeLevelChunks) !== undefined)
}

/** The indexes as one: invalid if any is invalid, else missing if any is missing, else valid. */
export async function vectorIndexState(db: Database): Promise<VectorIndexState> {
  const states = await indexStates(db)
  if (states.includes('invalid')) return 'invalid'
  return states.includes('missing') ? 'missing' : 'valid'
}

/**
 * Drops the indexes. On a server CONCURRENTLY, so the drop never queues searches behind a long transaction; embedded
 * PGlite serves one process, which is this one.
 */
export async function dropVectorIndex(db: Database): Promise<void> {
  for (const { name } of VECTOR_INDEXES) await dropOne(db, name)
}

async function dropOne(db: Database, name: string): Promise<void> {
  if (db.engine === 'postgres') {
    await db.ownerPool.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`)
  } else {
    await withOwner(db, (tx) => tx.query(`DROP INDEX IF EXISTS ${name}`))
  }
}

/**
 * Makes sure every level index exists and is valid, building those that are not (after an interrupted bulk load,
 * or a failed concurrent build), unless a bulk load running elsewhere holds them dropped on purpose. Then rebuilds
 * the graphs that their level has outgrown ({@link outgrownVectorIndexes}): each replacement is built beside the
 * graph in use and swapped in by the same transaction, so searches keep their index throughout. Returns whether it
 * built. A plain CREATE INDEX is atomic: afterwards the index is there and valid, or the statement failed and it is
 * absent; never half built. If a build with raised memory fails, it is tried once more with the server's own
 * maintenance_work_mem before giving up.
 */
export async function ensureVectorIndex(db: Database, opts: VectorIndexOptions = {}): Promise<boolean> {
  const complete = (await vectorIndexState(db)) === 'valid'
  const outgrown = await outgrownVectorIndexes(db, opts)
  if (complete && outgrown.length === 0) return false
  if (await bulkLoadRunning(db)) {
    opts.log?.(complete
      ? 'a bulk load is running; it builds every level index for its size when it ends'
      : 'the vector indexes are missing because a bulk load is running; that load rebuilds them when it ends')
    return false
  }
  if (!complete) await rebuild(db, opts)
  for (const index of outgrown) {
    opts.log?.(`the ${CLASSIFICATIONS[index.level]} level has grown to ${index.chunks} chunks: rebuilding its vector index ` +
      `with ef_construction ${LARGE_LEVEL_EF_CONSTRUCTION}; searches use the current one until it is ready`)
    const started = performance.now()
    await buildLevel(db, index, memoryMb(index.chunks, opts.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB[db.engine]), index.chunks, opts, 'replace')
    opts.log?.(`vector index ${index.name} rebuilt in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  }
  return true
}

/**
 * Runs `load` with the indexes dropped, then builds them again, whether `load` succeeded or threw. If the build fails
 * too, both errors are raised together; an index is then missing (searches stay correct, only slower) and the next
 * `npm run ingest` builds it before anything else.
 *
 * On a server the run holds a shared advisory lock for its whole length, so that another process's start-up repair
 * ({@link ensureVectorIndex}) can tell this deliberate absence from the leftover of a killed load; the lock goes
 * with the session, so a killed load leaves none behind. Two bulk loads may overlap: each drops the indexes if they
 * are there and builds them if they are missing, and the one that ends first builds them over the other's rows so far.
 */
export async function withDeferredVectorIndex<T>(db: Database, opts: VectorIndexOptions, load: () => Promise<T>): Promise<T> {
  const holder = db.engine === 'postgres' ? await db.ownerPool.connect() : undefined
  try {
    await holder?.query('SELECT pg_advisory_lock_shared($1)', [BULK_LOAD_LOCK])
    await dropVectorIndex(db)
    let outcome: { ok: true; value: T } | { ok: false; error: unknown }
    try {
      outcome = { ok: true, value: await load() }
    } catch (error) {
      outcome = { ok: false, error }
    }
    try {
      if ((await vectorIndexState(db)) !== 'valid') await rebuild(db, opts)
    } catch (buildError) {
      if (outcome.ok) throw buildError
      throw new AggregateError([outcome.error, buildError], 'the bulk load and the vector index build both failed', { cause: buildError })
    }
    if (!outcome.ok) throw outcome.error
    return outcome.value
  } finally {
    await holder?.query('SELECT pg_advisory_unlock_shared($1)', [BULK_LOAD_LOCK]).catch(() => undefined)
    holder?.release()
  }
}

/** Advisory-lock key every running bulk load holds shared on a server ("HNSW"). */
const BULK_LOAD_LOCK = 0x484e5357

/** Whether a bulk load holds the lock right now (PGlite: one process, this one, so never another's). */
async function bulkLoadRunning(db: Database): Promise<boolean> {
  if (db.engine !== 'postgres') return false
  const client = await db.ownerPool.connect()
  try {
    const { rows } = await client.query<{ free: boolean }>('SELECT pg_try_advisory_lock($1) AS free', [BULK_LOAD_LOCK])
    if (rows[0]?.free) await client.query('SELECT pg_advisory_unlock($1)', [BULK_LOAD_LOCK])
    return rows[0]?.free !== true
  } finally {
    client.release()
  }
}

/**
 * Drops invalid leftovers, then builds every missing level index; see ensureVectorIndex. The largest levels start
 * first, so that on a server the builds running side by side end at about the same time.
 */
async function rebuild(db: Database, opts: VectorIndexOptions): Promise<boolean> {
  const states = await indexStates(db)
  for (const [i, state] of states.entries()) if (state === 'invalid') await dropOne(db, (VECTOR_INDEXES[i] as VectorIndex).name)
  const rowsByLevel = await chunksByLevel(db)
  const todo = VECTOR_INDEXES.filter((_, i) => states[i] !== 'valid').sort((a, b) => (rowsByLevel[b.level] ?? 0) - (rowsByLevel[a.level] ?? 0))
  const concurrency = (await buildsSideBySide(db)) ? Math.max(1, Math.min(todo.length, opts.concurrency ?? DEFAULT_CONCURRENCY)) : 1
  const memoryCapMb = Math.floor((opts.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB[db.engine]) / concurrency)
  const started = performance.now()
  opts.log?.(`building ${todo.length} vector ${todo.length === 1 ? 'index' : 'indexes'} (${concurrency} at a time)`)
  const queue = [...todo]
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const chunks = rowsByLevel[next.level] ?? 0
      await buildLevel(db, next, memoryMb(chunks, memoryCapMb), chunks, opts, 'create')
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  opts.log?.(`vector indexes built in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  return true
}

/**
 * Whether level indexes are built on separate connections at once: on a server whose pgvector must build each graph
 * on one process. Where parallel builds are safe, each build uses the server's maintenance workers instead, and
 * chooseBuildWorkers changes the table's parallel_workers inside each build, which two builds at once would contend for.
 */
async function buildsSideBySide(db: Database): Promise<boolean> {
  if (db.engine !== 'postgres') return false
  const { rows } = await db.ownerPool.query<{ version: string | null }>(`SELECT extversion AS version FROM pg_extension WHERE extname = 'vector'`)
  return !parallelBuildIsSafe(rows[0]?.version ?? null)
}

type BuildMode = 'create' | 'replace'

async function buildLevel(db: Database, index: VectorIndex, memoryMb: number, chunks: number, opts: VectorIndexOptions, mode: BuildMode): Promise<void> {
  try {
    await build(db, index, memoryMb, chunks, opts, mode)
  } catch (err) {
    opts.log?.(`the build of ${index.name} failed (${(err as Error).message}); retrying with the default memory`)
    await build(db, index, undefined, chunks, opts, mode)
  }
}

/**
 * Builds one level's graph for `chunks` rows. 'replace' builds it under a temporary name beside the valid one, then
 * drops that and renames the new one in the same transaction: a failure at any step leaves the old graph in place.
 */
async function build(db: Database, index: VectorIndex, memoryMb: number | undefined, chunks: number, opts: VectorIndexOptions, mode: BuildMode): Promise<void> {
  await withOwner(db, async (tx) => {
    if (memoryMb !== undefined) await tx.query(`SELECT set_config('maintenance_work_mem', $1, true)`, [`${memoryMb}MB`])
    const previous = db.engine === 'postgres' ? await chooseBuildWorkers(tx) : undefined
    const precision = graphPrecision(db.engine)
    if (mode === 'create') {
      await createVectorIndex(tx, index, precision, chunks, opts)
    } else {
      const replacement = `${index.name}_next`
      await createVectorIndex(tx, index, precision, chunks, { ...opts, as: replacement })
      await tx.query(`DROP INDEX ${index.name}`)
      await tx.query(`ALTER INDEX ${replacement} RENAME TO ${index.name}`)
    }
    if (previous !== undefined) {
      await tx.query(previous === null ? `ALTER TABLE chunks RESET (parallel_workers)` : `ALTER TABLE chunks SET (parallel_workers = ${previous})`)
    }
  })
}

/**
 * Enough memory for an in-memory build of `rows` chunks, between 64 MB and `maxMb`. Not simply `maxMb`: a parallel
 * build reserves all of it as shared memory up front, more than a container's /dev/shm may hold.
 */
function memoryMb(rows: number, maxMb: number): number {
  return Math.max(64, Math.min(maxMb, Math.ceil((rows * BUILD_BYTES_PER_ROW * 1.25) / (1024 * 1024))))
}

/** Chunks per level. The count is exact (the planner's estimate is stale right after a bulk load) and costs little next to a build. */
async function chunksByLevel(db: Database): Promise<number[]> {
  return withOwner(db, countChunksByLevel)
}
