import type { ScanPolicy } from '../server/config.ts'
import { lookUpSources } from './pipeline.ts'
import type { ExistingDocument } from './store.repo.ts'
import type { IngestDeps } from './types.ts'

/** What the pipeline needs to know before parsing a file: the tenant's scan policy and the stored version, if any. */
export interface Lookup {
  policy: ScanPolicy
  existing: ExistingDocument | undefined
}

/**
 * Coalesces the early dedupe reads: every lookup asked for in the same turn of the event loop is answered by one
 * transaction per tenant.
 */
export class SourceLookups {
  private pending = new Map<string, Array<{ source: string; resolve: (v: Lookup) => void; reject: (e: unknown) => void }>>()
  private scheduled = false
  constructor(private readonly deps: IngestDeps) {}

  get(tenantId: string, source: string): Promise<Lookup> {
    return new Promise((resolve, reject) => {
      const list = this.pending.get(tenantId) ?? []
      list.push({ source, resolve, reject })
      this.pending.set(tenantId, list)
      if (!this.scheduled) {
        this.scheduled = true
        setImmediate(() => this.run())
      }
    })
  }

  private run() {
    this.scheduled = false
    const batches = this.pending
    this.pending = new Map()
    for (const [tenantId, waiters] of batches) {
      lookUpSources(this.deps, tenantId, [...new Set(waiters.map((w) => w.source))]).then(
        ({ policy, existing }) => waiters.forEach((w) => w.resolve({ policy, existing: existing.get(w.source) })),
        (err: unknown) => waiters.forEach((w) => w.reject(err)),
      )
    }
  }
}
