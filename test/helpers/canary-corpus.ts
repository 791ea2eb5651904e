import type { Database } from '../../server/db/pool.ts'
import { withOwner } from '../../server/db/tx.ts'
import { classificationAt, levelOf } from '../../server/policy/levels.ts'
import type { Resource } from '../../server/policy/rule.ts'
import { insertDocuments, insertTenants, type SeedDocument } from './seed-chunks.ts'
import { DIM, near, prng } from './synthetic-corpus.ts'

/** One planted document: its access attributes, the unique token in its only chunk, and that chunk's vector. */
export interface Canary {
  token: string
  resource: Resource
  chunkId: string
  documentId: string
  embedding: number[]
}

const TENANTS = ['acme', 'globex'] as const
const DEPARTMENTS = [[], ['engineering'], ['finance'], ['hr']] as const
// The group entry names a group of the document's own tenant, so that tenant's principals can match it.
const GROUP_OF: Record<(typeof TENANTS)[number], string> = { acme: 'group:eng-all', globex: 'group:globex-eng' }

/**
 * Every tenant x classification x department x allow-list x quarantine combination, one document each (192),
 * each with a unique token no other text contains. Vectors are random unit vectors, so vector search for a
 * canary's own vector ranks it first among anything the principal may see.
 */
export function canaryMatrix(seed = 1): Canary[] {
  const next = prng(seed)
  const out: Canary[] = []
  for (const tenantId of TENANTS) {
    for (let level = 0; level < 4; level++) {
      for (const departments of DEPARTMENTS) {
        for (const allowed of [[], ['user:alice'], [GROUP_OF[tenantId]]]) {
          for (const quarantined of [false, true]) {
            const n = out.length
            out.push({
              token: `canary${(n * 7919 + 104729).toString(36)}zq`,
              resource: { tenantId, classification: classificationAt(level), departments, allowedPrincipals: allowed, quarantined },
              documentId: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
              chunkId: `00000000-0001-4000-8000-${n.toString(16).padStart(12, '0')}`,
              embedding: Array.from(near(new Float32Array(DIM), next, 1)),
            })
          }
        }
      }
    }
  }
  return out
}

export async function seedCanaries(db: Database, canaries: readonly Canary[]): Promise<void> {
  const docs: SeedDocument[] = canaries.map((c) => ({
    tenantId: c.resource.tenantId,
    documentId: c.documentId,
    title: `Planted ${c.resource.classification} document`,
    classification: levelOf(c.resource.classification),
    departments: c.resource.departments,
    allowedPrincipals: c.resource.allowedPrincipals,
    quarantined: c.resource.quarantined,
    chunks: [{ chunkId: c.chunkId, text: `Quarterly planning notes. Marker ${c.token} appears once.`, embedding: c.embedding, page: 1, headingPath: ['Notes'] }],
  }))
  await withOwner(db, async (tx) => {
    await insertTenants(tx, TENANTS)
    await insertDocuments(tx, docs)
  })
}
