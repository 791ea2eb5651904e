import os from 'node:os'
import { parseArgs } from 'node:util'
import type { Database } from '../../server/db/pool.ts'
import { withOwner } from '../../server/db/tx.ts'
import { classificationAt } from '../../server/policy/levels.ts'
import { canSee, scopeOf, type Subject } from '../../server/policy/rule.ts'
import { accessPredicate } from '../../server/policy/sql.ts'
import { RETRIEVAL_DEFAULTS, type RetrievalOptions } from '../../server/retrieval/options.ts'
import { searchChunks } from '../../server/retrieval/search.service.ts'
import { FRACTION_PRINCIPALS, queries, type CorpusSpec } from '../helpers/synthetic-corpus.ts'
import { langchainFilter, loadLangchain, openLangchainStore, vectorEmbeddings, type LangchainStore } from './retrieval-langchain.ts'
import { loadCorpus, openBenchDatabase, safeBuildWorkers } from './retrieval-load.ts'

/**
 * `npm run bench -- retrieval [--chunks 100000] [--queries 100] [--ef 100] [--iterative relaxed_order]
 * [--max-scan-tuples 20000] [--exact-threshold 6000] [--depth 40] [--sibling-limit 400] [--fractions 1,0.5,0.1,0.01,0.001] [--no-langchain] [--prewarm]`
 * On the PostgreSQL server (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres; the corpus
 * goes into database strongroom_bench_retrieval_<chunks> and is reused while its spec is unchanged). For each visible
 * fraction: recall@10 of searchChunks against the exact filtered top-10 (same rule, forced sequential scan),
 * latency, rows returned and rows outside the rule (checked with canSee, independently of SQL); then the same for
 * LangChain.js's PGVectorStore.similaritySearch with the equivalent metadata filter (retrieval-langchain.ts), once
 * with the plan PostgreSQL picks and once on a connection where the HNSW index plan is forced (enable_sort off),
 * which is the plan LangChain users get whenever the planner does choose the index.
 *
 * Without --prewarm the first search of each query reads whatever index and heap pages are not yet in shared
 * buffers (PostgreSQL's default of 128 MB holds a fraction of a 100k-chunk corpus), which is a server just started
 * or just loaded. --prewarm first loads the chunks, documents and their indexes into shared buffers with pg_prewarm
 * (the extension must be available and the connecting role may create it), which is a server that has been
 * answering for a while and whose shared_buffers hold the corpus, as pgvector's documentation advises; the report
 * names shared_buffers and how much was loaded.
 */
const K = 10

export async function run(args: string[]) {
  const { values: a } = parseArgs({
    args,
    options: {
      chunks: { type: 'string', default: '100000' }, queries: { type: 'string', default: '100' },
      ef: { type: 'string' }, iterative: { type: 'string' }, 'max-scan-tuples': { type: 'string' },
      'exact-threshold': { type: 'string' }, depth: { type: 'string' }, 'sibling-limit': { type: 'string' }, 'no-langchain': { type: 'boolean', default: false },
      prewarm: { type: 'boolean', default: false },
      fractions: { type: 'string', default: FRACTION_PRINCIPALS.map((p) => p.fraction).join(',') },
    },
  })
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v))
  const opts: Partial<RetrievalOptions> = {
    efSearch: num(a.ef), iterativeScan: a.iterative as RetrievalOptions['iterativeScan'] | undefined,
    maxScanTuples: num(a['max-scan-tuples']), exactThreshold: num(a['exact-threshold']), candidateDepth: num(a.depth),
    siblingLimit: num(a['sibling-limit']),
  }
  const chunks = Number(a.chunks)
  const spec: CorpusSpec = { chunks, chunksPerDoc: 10, clusters: Math.max(50, Math.round(chunks / 500)), seed: 7, words: 40 }
  const qs = queries(spec, Number(a.queries))
  const log = (line: string) => console.error(`[bench retrieval] ${line}`)
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  // One database per corpus size, so a 1M run and a 100k run do not reload each other's corpus.
  const dbName = `strongroom_bench_retrieval_${chunks}`
  const db = await openBenchDatabase(adminUrl, dbName)
  const stores: LangchainStore[] = []
  try {
    const load = await loadCorpus(db, spec, qs, log)
    const cache = await bufferCache(db, a.prewarm === true)
    log(`shared_buffers ${cache.sharedBuffers}${cache.prewarmedMb === null ? '' : `, prewarmed ${cache.prewarmedMb} MB`}`)
    const vectors = qs.map((q) => `[${Array.from(q.embedding).join(',')}]`)
    let langchain: { chosen: LangchainStore; indexed: LangchainStore } | null = null
    if (!a['no-langchain']) {
      const mod = await loadLangchain(log)
      const url = new URL(adminUrl)
      url.pathname = `/${dbName}`
      const embeddings = vectorEmbeddings(new Map(vectors.map((v, i) => [`q${i}`, parse(v)])))
      const buildOptions = `-c maintenance_work_mem=1GB -c max_parallel_maintenance_workers=${await safeBuildWorkers(db)}`
      const chosen = await openLangchainStore(db, mod, url.toString(), load.key, embeddings, log, { buildOptions })
      stores.push(chosen)
      const indexed = await openLangchainStore(db, mod, url.toString(), load.key, embeddings, log, { buildOptions, queryOptions: '-c enable_sort=off' })
      stores.push(indexed)
      langchain = { chosen, indexed }
    }
    const rows = []
    for (const fraction of a.fractions.split(',').map(Number)) {
      const entry = FRACTION_PRINCIPALS.find((p) => p.fraction === fraction)
      if (!entry) throw new Error(`no principal for fraction ${fraction}`)
      log(`fraction ${fraction}`)
      rows.push(await measure(db, entry.subject, fraction, vectors, qs, opts, langchain))
    }
    const report = { spec, load: { ...load, key: undefined }, cache, options: { ...RETRIEVAL_DEFAULTS, ...strip(opts) }, loadAverage: os.loadavg(), cpus: os.cpus().length, rows }
    printTable(report.rows)
    console.log(`\nshared_buffers ${cache.sharedBuffers}; ${cache.prewarmedMb === null ? 'not prewarmed' : `prewarmed ${cache.prewarmedMb} MB (chunks, documents and their indexes)`}`)
    console.log(`\nload average during run: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`)
    return report
  } finally {
    await Promise.allSettled(stores.map((st) => st.end()))
    await db.close()
  }
}

async function measure(db: Database, subject: Subject, fraction: number, vectors: string[], qs: ReadonlyArray<{ cluster: number }>,
  opts: Partial<RetrievalOptions>, langchain: { chosen: LangchainStore; indexed: LangchainStore } | null) {
  const scope = scopeOf(subject)
  const ours = new Stats()
  const hybrid = new Stats()
  const uncached = new Stats()
  const lc = new Stats()
  const lcIndex = new Stats()
  const routes: Record<string, number> = {}
  const returned = new Set<string>()
  const returnedLangchain = new Set<string>()
  // The exact top-k of every query first: each is a sequential scan of the whole corpus, which would otherwise run
  // between two timed searches and evict the index pages they use (a 1M-chunk table is 20 times shared_buffers).
  const truths: string[][] = []
  for (const v of vectors) truths.push(await exactTopK(db, scope, v))
  // Warm-up: the first searches fill the count cache and the buffer cache; they are not timed.
  for (const v of vectors.slice(0, 3)) await searchChunks(db, subject, { text: '', embedding: parse(v), k: K }, opts)
  for (const [i, v] of vectors.entries()) {
    const truth = truths[i] as string[]
    const embedding = parse(v)
    let started = performance.now()
    const r = await searchChunks(db, subject, { text: '', embedding, k: K }, opts)
    ours.add(performance.now() - started, recall(r.results.map((h) => h.chunkId), truth), r.results.length)
    routes[r.route] = (routes[r.route] ?? 0) + 1
    r.results.forEach((h) => returned.add(h.chunkId))
    started = performance.now()
    const h = await searchChunks(db, subject, { text: `topic${qs[i]?.cluster}`, embedding, k: K }, opts)
    hybrid.add(performance.now() - started, 0, h.results.length)
    h.results.forEach((x) => returned.add(x.chunkId))
    if (i % 5 === 0) {
      started = performance.now()
      await searchChunks(db, subject, { text: '', embedding, k: K }, { ...opts, countCacheTtlMs: 0 })
      uncached.add(performance.now() - started, 0, 0)
    }
  }
  // LangChain after ours, for the same reason: its chosen plan reads the whole copy of the corpus.
  if (langchain) {
    const filter = langchainFilter(subject)
    for (const [i] of vectors.entries()) {
      const truth = truths[i] as string[]
      let started = performance.now()
      const docs = await langchain.chosen.similaritySearch(`q${i}`, K, filter)
      const ids = docs.map((d) => d.id as string)
      lc.add(performance.now() - started, recall(ids, truth), ids.length)
      ids.forEach((id) => returnedLangchain.add(id))
      started = performance.now()
      const indexed = (await langchain.indexed.similaritySearch(`q${i}`, K, filter)).map((d) => d.id as string)
      lcIndex.add(performance.now() - started, recall(indexed, truth), indexed.length)
      indexed.forEach((id) => returnedLangchain.add(id))
    }
  }
  return {
    fraction, routes, ours: ours.summary(), hybrid: hybrid.summary(), uncached: uncached.summary(),
    langchain: langchain ? lc.summary() : null, langchainIndexPlan: langchain ? lcIndex.summary() : null,
    rowsOutsideRule: await outsideRule(db, subject, [...returned]),
    langchainRowsOutsideRule: langchain ? await outsideRule(db, subject, [...returnedLangchain]) : null,
  }
}

/** shared_buffers, and with `prewarm` the chunks, documents and all their indexes loaded into it (pg_prewarm). */
async function bufferCache(db: Database, prewarm: boolean): Promise<{ sharedBuffers: string; prewarmedMb: number | null }> {
  return withOwner(db, async (tx) => {
    const sharedBuffers = (await tx.query<{ v: string }>(`SELECT current_setting('shared_buffers') AS v`)).rows[0]?.v ?? '?'
    if (!prewarm) return { sharedBuffers, prewarmedMb: null }
    await tx.query('CREATE EXTENSION IF NOT EXISTS pg_prewarm')
    const { rows } = await tx.query<{ blocks: string }>(
      `SELECT coalesce(sum(pg_prewarm(c.oid)), 0) AS blocks FROM pg_class c
       WHERE c.oid IN ('chunks'::regclass, 'documents'::regclass)
          OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid IN ('chunks'::regclass, 'documents'::regclass))`)
    return { sharedBuffers, prewarmedMb: Math.round((Number(rows[0]?.blocks) * 8192) / 2 ** 20) }
  })
}

/** The exact filtered top-k: the same rule, no index (sequential scan), ties by chunk id as the exact route. */
async function exactTopK(db: Database, scope: ReturnType<typeof scopeOf>, v: string): Promise<string[]> {
  return withOwner(db, async (tx) => {
    await tx.query('SET LOCAL enable_indexscan = off')
    await tx.query('SET LOCAL enable_bitmapscan = off')
    const p = accessPredicate('c', scope, 2)
    const { rows } = await tx.query(`SELECT chunk_id FROM chunks c WHERE ${p.text} ORDER BY c.embedding <=> $1::vector, c.chunk_id LIMIT ${K}`, [v, ...p.values])
    return rows.map((r) => r.chunk_id)
  })
}

/** Rows any method returned that canSee (the pure rule, not SQL) denies; LangChain ids are chunk ids too. */
async function outsideRule(db: Database, subject: Subject, ids: string[]): Promise<number> {
  const { rows } = await withOwner(db, (tx) => tx.query(
    'SELECT tenant_id, classification, departments, allowed_principals, quarantined FROM chunks WHERE chunk_id = ANY($1::uuid[])', [ids]))
  return rows.filter((r) => !canSee(subject, {
    tenantId: r.tenant_id, classification: classificationAt(r.classification), departments: r.departments,
    allowedPrincipals: r.allowed_principals, quarantined: r.quarantined,
  })).length + (ids.length - rows.length)
}

class Stats {
  readonly ms: number[] = []
  readonly recalls: number[] = []
  readonly rows: number[] = []
  add(ms: number, r: number, rows: number) {
    this.ms.push(ms)
    this.recalls.push(r)
    this.rows.push(rows)
  }
  summary() {
    const sorted = [...this.ms].sort((x, y) => x - y)
    const at = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0)
    const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0)
    return { n: this.ms.length, p50: at(0.5), p95: at(0.95), meanRecall: round(mean(this.recalls), 3),
      minRecall: round(Math.min(...this.recalls), 3), meanRows: round(mean(this.rows), 1) }
  }
}

function printTable(rows: Awaited<ReturnType<typeof measure>>[]) {
  console.log('\n| visible | route | recall@10 mean / min | p50 / p95 ms | rows | hybrid p50 / p95 | uncached p95 | outside rule | LangChain recall mean / min | LangChain p50 / p95 | LangChain rows | LangChain on HNSW plan: recall mean / min, p50 / p95, rows | LangChain outside rule |')
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|')
  for (const r of rows) {
    const l = r.langchain
    const li = r.langchainIndexPlan
    console.log(`| ${r.fraction * 100}% | ${Object.entries(r.routes).map(([k, n]) => `${k} ${n}`).join(', ')} | ${r.ours.meanRecall} / ${r.ours.minRecall} | ${r.ours.p50} / ${r.ours.p95} | ${r.ours.meanRows} | ${r.hybrid.p50} / ${r.hybrid.p95} | ${r.uncached.p95} | ${r.rowsOutsideRule} | ${l ? `${l.meanRecall} / ${l.minRecall}` : '-'} | ${l ? `${l.p50} / ${l.p95}` : '-'} | ${l ? l.meanRows : '-'} | ${li ? `${li.meanRecall} / ${li.minRecall}, ${li.p50} / ${li.p95}, ${li.meanRows}` : '-'} | ${r.langchainRowsOutsideRule ?? '-'} |`)
  }
}

const recall = (got: string[], truth: string[]) => (truth.length ? truth.filter((t) => got.includes(t)).length / truth.length : 1)
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d
const parse = (v: string) => v.slice(1, -1).split(',').map(Number)
const strip = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))
