import fs from 'node:fs'
import path from 'node:path'
import { SYSTEM_TENANT } from '../audit/event.ts'
import { withTenant } from '../db/tx.ts'
import { hasDocuments } from '../documents/documents.repo.ts'
import { ingestFile, type IngestDeps } from '../documents/ingest-adapter.ts'
import { listTenantIds } from '../retrieval/embedding-status.repo.ts'
import { DEMO_CORPUS } from './corpus.ts'

const CORPUS_DIR = path.join(import.meta.dirname, 'corpus')
const DEMO_PREFIX = 'demo:'

export interface DemoSeedReport {
  /** false when the database already held documents, so nothing was attempted. */
  seeded: boolean
  counts: Record<string, number>
}

/**
 * Loads the synthetic demo corpus through the real ingest pipeline (same parsing, scanning, audit), but only into
 * a database without any document in any tenant: a demo corpus must never mix into real data, and documents an
 * admin deleted must not come back at the next start. Idempotent: a second call finds documents and does nothing;
 * sources are stable (`demo:<tenant>/<file>`), so even concurrent calls cannot store a document twice.
 * Development only; main.ts calls it when config.demoSeed is true.
 */
export async function seedDemoCorpus(deps: IngestDeps): Promise<DemoSeedReport> {
  const tenants = await withTenant(deps.db, SYSTEM_TENANT, 'worker', (tx) => listTenantIds(tx))
  for (const tenantId of tenants) {
    const present = await withTenant(deps.db, tenantId, 'ingest', (tx) => hasDocuments(tx, tenantId))
    if (present) return { seeded: false, counts: {} }
  }
  const counts: Record<string, number> = {}
  for (const d of DEMO_CORPUS) {
    const result = await ingestFile(deps, {
      tenantId: d.tenant,
      bytes: fs.readFileSync(path.join(CORPUS_DIR, d.tenant, d.file)),
      fileName: d.file,
      source: `${DEMO_PREFIX}${d.tenant}/${d.file}`,
      classification: d.classification,
      departments: d.departments,
      allow: d.allow,
      actor: 'system',
    })
    counts[result.status] = (counts[result.status] ?? 0) + 1
  }
  return { seeded: true, counts }
}

