import type { Database } from '../db/pool.ts'
import { withTenant } from '../db/tx.ts'
import { isClassification, type Classification } from '../policy/levels.ts'
import { tenantEgressSetting } from './egress.repo.ts'

const TTL_MS = 30_000

/**
 * The highest classification that may be sent to the provider for a tenant: tenants.settings.egress.<provider>
 * when set, else the deployment default (LLM_EGRESS_MAX_CLASSIFICATION). An unreadable tenant value fails closed
 * to `public`. Cached per instance for 30 s, so a tightened setting takes effect everywhere within that time.
 */
export function egressPolicy(db: Database, provider: string, deploymentMax: Classification) {
  const cache = new Map<string, { level: Classification; expires: number }>()
  return async (tenantId: string): Promise<Classification> => {
    const hit = cache.get(tenantId)
    if (hit && hit.expires > Date.now()) return hit.level
    const stored = await withTenant(db, tenantId, 'app', (tx) => tenantEgressSetting(tx, tenantId, provider))
    const level: Classification = stored === null ? deploymentMax : isClassification(stored) ? stored : 'public'
    if (cache.size > 10_000) cache.clear()
    cache.set(tenantId, { level, expires: Date.now() + TTL_MS })
    return level
  }
}

export type EgressPolicy = ReturnType<typeof egressPolicy>
