import { appendAudit } from '../audit/audit.service.ts'
import { SYSTEM_TENANT } from '../audit/event.ts'
import { generateTenantKey } from '../crypto/tenant-key.ts'
import type { Database } from '../db/pool.ts'
import { withTenant } from '../db/tx.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import { countActiveHolds } from '../retention/legal-holds.repo.ts'
import { shredded, type Keyring } from './keyring.ts'
import {
  countByKeyVersion, destroyAllKeys, insertActiveKey, insertDestroyedMarker, keysDestroyed, listKeyVersions,
  listTenantIds, lockTenantKeys, nextKeyVersion, retireActiveKey, tenantExists, type KeyVersionRow,
} from './keys.repo.ts'

export interface KeyServiceDeps {
  db: Database
  keyring: Keyring
}

export interface TenantKeyStatus {
  tenantId: string
  versions: Array<KeyVersionRow & { messages: number; conversations: number }>
}

/** Key versions of every tenant with how many messages and conversations each still protects. No key material. */
export async function keyStatus(db: Database): Promise<TenantKeyStatus[]> {
  const tenants = await withTenant(db, SYSTEM_TENANT, 'worker', listTenantIds)
  const out: TenantKeyStatus[] = []
  for (const tenantId of tenants) out.push(await tenantKeyStatus(db, tenantId))
  return out
}

/** The same report for one tenant (the admin console shows only the admin's own). */
export async function tenantKeyStatus(db: Database, tenantId: string): Promise<TenantKeyStatus> {
  return withTenant(db, tenantId, 'worker', async (tx) => {
    const counts = await countByKeyVersion(tx, tenantId)
    const versions = (await listKeyVersions(tx, tenantId)).map((v) => ({
      ...v, messages: counts.get(v.version)?.messages ?? 0, conversations: counts.get(v.version)?.conversations ?? 0,
    }))
    return { tenantId, versions }
  })
}

/**
 * Makes a fresh key version active and retires the previous one, audited as `key.rotate`. Existing data stays
 * readable under the retired version until rewrapKeys() re-encrypts it. Holds the tenant's key lock exclusively, so
 * once this commits no writer still stores data under the retired version.
 */
export async function rotateKey(deps: KeyServiceDeps, tenantId: string, actor: string, now = new Date()) {
  const result = await withTenant(deps.db, tenantId, 'worker', async (tx) => {
    await lockTenantKeys(tx, tenantId, 'exclusive')
    if (!(await tenantExists(tx, tenantId))) throw new NotFoundError('tenant_not_found', 'no such tenant')
    if (await keysDestroyed(tx, tenantId)) throw shredded()
    const fromVersion = await retireActiveKey(tx, tenantId, now)
    const toVersion = await nextKeyVersion(tx, tenantId)
    const fresh = await generateTenantKey(deps.keyring.provider, tenantId, toVersion)
    fresh.key.key.fill(0)
    if (!(await insertActiveKey(tx, fresh.wrapped))) throw new ConflictError('key_rotation_conflict', 'retry the rotation')
    await appendAudit(tx, tenantId, { type: 'key.rotate', actor, outcome: 'success', data: { fromVersion, toVersion } }, now)
    return { fromVersion, toVersion }
  })
  deps.keyring.forget(tenantId)
  return result
}

/**
 * Crypto-shredding: every key version of the tenant loses its wrapped key in one transaction (audited `key.shred`).
 * Only tenant_keys is touched, so the cost does not depend on how much data the tenant has. From then on reads give
 * 410 `tenant_keys_destroyed`, no new key can be created, and the next purge deletes the tenant's transcript rows.
 * Refused with 409 `legal_hold_active` while any legal hold of the tenant is active: shredding would destroy what the
 * hold preserves.
 */
export async function shredKeys(deps: KeyServiceDeps, tenantId: string, actor: string, now = new Date()) {
  const result = await withTenant(deps.db, tenantId, 'worker', async (tx) => {
    await lockTenantKeys(tx, tenantId, 'exclusive')
    if (!(await tenantExists(tx, tenantId))) throw new NotFoundError('tenant_not_found', 'no such tenant')
    const holds = await countActiveHolds(tx, tenantId)
    if (holds > 0) {
      throw new ConflictError('legal_hold_active', `${holds} legal hold(s) are active for this tenant; release them first`)
    }
    const versions = await destroyAllKeys(tx, tenantId, now)
    if (versions.length === 0 && !(await keysDestroyed(tx, tenantId))) {
      await insertDestroyedMarker(tx, tenantId, deps.keyring.provider.keyId, now)
    }
    await appendAudit(tx, tenantId, { type: 'key.shred', actor, outcome: 'success', data: { versions } }, now)
    return { versions }
  })
  deps.keyring.forget(tenantId)
  return result
}
