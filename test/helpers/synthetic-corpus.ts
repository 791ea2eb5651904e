import type { Subject } from '../../server/policy/rule.ts'
import type { SeedDocument } from './seed-chunks.ts'

/**
 * A deterministic, clustered corpus for recall tests and the retrieval benchmark. Documents fall into nested
 * access buckets so that principals exist whose visible share is 100%, 50%, 10%, 5%, 2%, 1% and 0.1% of the
 * tenant's chunks (exact up to rounding to whole documents), and the buckets exercise every clause of the rule (classification, empty and shared
 * departments, allow-lists). Bait that nobody in the tenant may see (another tenant, quarantined documents) sits
 * right on the query vectors, so a leak would rank first.
 */
export const DIM = 384
export const TENANT = 'bench'
export const RIVAL_TENANT = 'rival'

interface Bucket {
  share: number
  classification: number
  departments: string[]
  allowed: string[]
}
// Shares sum to 1; each principal below sees a prefix of this list.
const BUCKETS: Bucket[] = [
  { share: 0.001, classification: 0, departments: ['tiny'], allowed: ['group:tiny', 'user:p100'] },
  { share: 0.009, classification: 1, departments: ['small'], allowed: [] },
  { share: 0.01, classification: 1, departments: ['two'], allowed: [] },
  { share: 0.03, classification: 1, departments: ['five'], allowed: [] },
  { share: 0.05, classification: 1, departments: ['mid'], allowed: [] },
  { share: 0.4, classification: 2, departments: [], allowed: [] },
  { share: 0.5, classification: 3, departments: ['big'], allowed: [] },
]

const subject = (userId: string, clearance: Subject['clearance'], departments: string[], groups: string[]): Subject =>
  ({ userId, tenantId: TENANT, clearance, departments, groups })

/** Principals by the share of the tenant's chunks they may see. */
export const FRACTION_PRINCIPALS: ReadonlyArray<{ fraction: number; subject: Subject }> = [
  { fraction: 1, subject: subject('p100', 'restricted', ['big', 'mid', 'five', 'two', 'small', 'tiny'], []) },
  { fraction: 0.5, subject: subject('p50', 'confidential', ['mid', 'five', 'two', 'small', 'tiny'], ['tiny']) },
  { fraction: 0.1, subject: subject('p10', 'internal', ['mid', 'five', 'two', 'small', 'tiny'], ['tiny']) },
  { fraction: 0.05, subject: subject('p5', 'internal', ['five', 'two', 'small', 'tiny'], ['tiny']) },
  { fraction: 0.02, subject: subject('p2', 'internal', ['two', 'small', 'tiny'], ['tiny']) },
  { fraction: 0.01, subject: subject('p1', 'internal', ['small', 'tiny'], ['tiny']) },
  { fraction: 0.001, subject: subject('p01', 'public', ['tiny'], ['tiny']) },
]

export function principalFor(fraction: number): Subject {
  const found = FRACTION_PRINCIPALS.find((p) => p.fraction === fraction)
  if (!found) throw new RangeError(`no principal sees ${fraction}`)
  return found.subject
}

export interface CorpusSpec {
  chunks: number
  chunksPerDoc: number
  clusters: number
  seed: number
  /** Words of text per chunk after the cluster's topic word. */
  words: number
}

/** Small fast PRNG (mulberry32): the same seed gives the same corpus on every engine and run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next())
}

export function normalize(v: Float32Array): Float32Array {
  let n = 0
  for (const x of v) n += x * x
  n = Math.sqrt(n) || 1
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / n
  return v
}

/** A unit vector near `center`: noise 0.03 per dimension puts cluster members at cosine ~0.75 of each other. */
export function near(center: Float32Array, next: () => number, noise = 0.03): Float32Array {
  const v = new Float32Array(DIM)
  for (let i = 0; i < DIM; i++) v[i] = (center[i] as number) + noise * gaussian(next)
  return normalize(v)
}

/**
 * Cluster centres in two levels: topics (one per ten clusters) and clusters around them at cosine ~0.6 to their
 * topic. Text embeddings look like this (related subjects are near each other); flat random centres in 384
 * dimensions are all mutually orthogonal, a worst case for any graph index that no embedding model produces.
 */
export function centers(spec: CorpusSpec): Float32Array[] {
  const next = prng(spec.seed)
  const topics = Array.from({ length: Math.max(1, Math.ceil(spec.clusters / 10)) }, () => near(new Float32Array(DIM), next, 1))
  return Array.from({ length: spec.clusters }, (_, i) => near(topics[i % topics.length] as Float32Array, next, 0.07))
}

/** Directions of within-cluster variation, shared by all clusters (noise of low intrinsic dimension). */
export const NOISE_DIRECTIONS = 32
/** Magnitudes each direction is stored at; a chunk adds NOISE_TERMS of the resulting basis vectors. */
export const NOISE_LEVELS = [-0.35, -0.25, -0.15, -0.05, 0.05, 0.15, 0.25, 0.35]
export const NOISE_TERMS = 6

function directions(spec: CorpusSpec): Float32Array[] {
  const next = prng(spec.seed ^ 0x27d4eb2f)
  return Array.from({ length: NOISE_DIRECTIONS }, () => near(new Float32Array(DIM), next, 1))
}

/**
 * Weights at which a chunk also leans toward a second, randomly chosen cluster (0: not at all). Real documents mix
 * subjects (a board memo touches finance, staff and engineering), so real embedding corpora have chunks between
 * their topics. Without them every cluster was an island (20k chunks: 90% of a chunk's own cluster within cosine
 * distance 0.31, the nearest chunk of any other cluster at 0.52 on average), HNSW's bottom layer kept almost no
 * edges between clusters, and a search whose descent through the upper layers ended in the wrong cluster could not
 * leave it: with pgvector's defaults and ef_search 200, 1 to 3 queries in 1000 found at most half of their 10
 * neighbours, often none; m = 32, ef_construction 128 or ef_search 400 did not cure it. With these bridges the
 * nearest other-cluster chunk is at 0.25 and no query was trapped in 80,000 (PGlite and server, 40 index builds).
 * Bridges only within a topic made whole topics islands and traps 10x more frequent, which confirms the cause.
 */
export const BRIDGE_LEVELS = [0, 0.25, 0.5, 0.75]

/**
 * The vectors chunks are composed from, in three ranges (see basisLayout): the cluster centres (unit length), every
 * noise direction at every level, and every centre at every bridge level. A chunk is its centre, plus NOISE_TERMS
 * noise vectors, plus one bridge vector, each picked by hashing its index (corpus-loader.ts), so it sits at
 * cosine ~0.87 from its centre, varies along 32 directions and may lean toward another cluster. Low-dimensional
 * variation is what text embeddings show; isotropic 384-dimensional noise makes every pair in a cluster
 * equidistant, which disconnects HNSW graphs and describes no real corpus. Composing in SQL means a bulk load
 * ships a few hundred vectors instead of one per chunk.
 */
export function basisVectors(spec: CorpusSpec): Float32Array[] {
  const c = centers(spec)
  const noise = directions(spec).flatMap((d) => NOISE_LEVELS.map((level) => d.map((x) => x * level)))
  const bridges = c.flatMap((center) => BRIDGE_LEVELS.map((level) => center.map((x) => x * level)))
  return [...c, ...noise, ...bridges]
}

/** Where each range of basisVectors starts: noise at [noiseStart, bridgeStart), bridges at [bridgeStart, end). */
export function basisLayout(spec: CorpusSpec) {
  const noiseStart = spec.clusters
  const bridgeStart = noiseStart + NOISE_DIRECTIONS * NOISE_LEVELS.length
  return { noiseStart, bridgeStart, end: bridgeStart + spec.clusters * BRIDGE_LEVELS.length }
}

/** Query vectors: a cluster centre plus the same kind of variation with continuous weights. */
export function queries(spec: CorpusSpec, n: number): Array<{ embedding: Float32Array; cluster: number }> {
  const c = centers(spec)
  const dirs = directions(spec)
  const next = prng(spec.seed ^ 0x9e3779b9)
  return Array.from({ length: n }, () => {
    const cluster = Math.floor(next() * c.length)
    const v = Float32Array.from(c[cluster] as Float32Array)
    for (let t = 0; t < NOISE_TERMS; t++) {
      const d = dirs[Math.floor(next() * dirs.length)] as Float32Array
      const w = (next() * 2 - 1) * 0.35
      for (let i = 0; i < DIM; i++) v[i] = (v[i] as number) + w * (d[i] as number)
    }
    return { embedding: normalize(v), cluster }
  })
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0')
export const documentUuid = (tenant: number, i: number) => `${hex(i, 8)}-0000-4000-8000-${hex(tenant, 12)}`
export const chunkUuid = (tenant: number, i: number, j: number) => `${hex(i, 8)}-${hex(j, 4)}-4000-8000-${hex(tenant, 12)}`

export interface DocumentLayout {
  documentId: string
  cluster: number
  classification: number
  departments: string[]
  allowed: string[]
  chunks: number
}

/** Every document of the tenant with its access bucket (exact counts per share, seeded shuffle) and cluster. */
export function documentLayout(spec: CorpusSpec): DocumentLayout[] {
  const docs = Math.ceil(spec.chunks / spec.chunksPerDoc)
  const bucketOf = new Uint8Array(docs)
  let at = 0
  BUCKETS.forEach((b, index) => {
    const count = index === BUCKETS.length - 1 ? docs - at : Math.max(1, Math.round(docs * b.share))
    bucketOf.fill(index, at, at + count)
    at += count
  })
  const shuffle = prng(spec.seed ^ 0x5bd1e995)
  for (let i = bucketOf.length - 1; i > 0; i--) {
    const j = Math.floor(shuffle() * (i + 1))
    ;[bucketOf[i], bucketOf[j]] = [bucketOf[j] as number, bucketOf[i] as number]
  }
  const next = prng(spec.seed ^ 0x1b873593)
  return Array.from(bucketOf, (bucket, i) => {
    const b = BUCKETS[bucket] as Bucket
    return {
      documentId: documentUuid(1, i), cluster: Math.floor(next() * spec.clusters), classification: b.classification,
      departments: b.departments, allowed: b.allowed, chunks: Math.min(spec.chunksPerDoc, spec.chunks - i * spec.chunksPerDoc),
    }
  })
}

/**
 * Bait for every query: a chunk right next to the query vector (cosine ~0.93, nearer than any real neighbour),
 * once in another tenant and once quarantined in this one, both otherwise open to everyone. An unfiltered
 * nearest-neighbour search returns them first. They are near, not equal, to the query and to each other: exact
 * duplicates make HNSW's neighbour selection keep only the twin, which traps graph searches around the query.
 */
export function baitDocuments(qs: ReadonlyArray<{ embedding: Float32Array }>): SeedDocument[] {
  const next = prng(0xba17)
  return qs.flatMap((q, i) =>
    ([[RIVAL_TENANT, false, 2], [TENANT, true, 3]] as const).map(([tenantId, quarantined, tag]) => ({
      tenantId, documentId: documentUuid(tag, i), title: `bait ${i}`, classification: 0, departments: [],
      allowedPrincipals: [], quarantined,
      chunks: [{ chunkId: chunkUuid(tag, i, 0), text: 'bait topic', embedding: near(q.embedding, next, 0.02) }],
    })),
  )
}
