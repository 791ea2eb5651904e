import { TenantKeyCache } from '../crypto/key-cache.ts'
import type { RootKeyProvider } from '../crypto/kms.ts'
import {
  assertTenantKeyRef, createKeyResolver, generateTenantKey, unwrapTenantKey, type TenantKey, type TenantKeyStore,
} from '../crypto/tenant-key.ts'
import type { Database } from '../db/pool.ts'
import { withTenant, type Tx } from '../db/tx.ts'
import { GoneError } from '../errors.ts'
import { findActiveKey, findKeyVersion, insertActiveKey, keysDestroyed, lockTenantKeys, nextKeyVersion } from './keys.repo.ts'

/**
 * Tenant keys for the transcript store, rotation and re-wrapping: unwrapped through the root key provider, kept in a
 * short-lived cache. Methods taking `tx` work inside the caller's transaction; the others open their own, so never
 * call those inside a transaction (embedded PGlite has one connection: a nested checkout would wait forever).
 */
export interface Keyring {
  readonly provider: RootKeyProvider
  /** The tenant's active key; creates version 1 on first use. Own transaction. */
  activeKey(tenantId: string): Promise<TenantKey>
  /**
   * The active key inside `tx`, holding the tenant's key lock shared until `tx` ends (keys.repo.ts lockTenantKeys):
   * call it before taking row locks, and store ciphertext made with it in the same transaction. `beforeFirstKey` runs
   * in `tx` only when the tenant has no key yet, before version 1 is stored (the transcript store creates the
   * tenant row there, so the common path pays no extra statement for it).
   */
  activeKeyIn(tx: Tx, tenantId: string, opts?: { beforeFirstKey?: (tx: Tx) => Promise<void> }): Promise<TenantKey>
  /** envelope.decrypt()'s resolver. 410 `tenant_keys_destroyed` after a shred. Own transaction on a cache miss. */
  resolveKey(tenantId: string, version: number): Promise<Buffer>
  /** The same resolver reading through `tx` on a cache miss. */
  resolverIn(tx: Tx): (tenantId: string, version: number) => Promise<Buffer>
  /**
   * Throws 410 `tenant_keys_destroyed` if the tenant's keys were shredded, forgetting any cached copy. Read paths call
   * it in their transaction, so a shred on another instance takes effect at once rather than after the cache TTL.
   */
  assertUsable(tx: Tx, tenantId: string): Promise<void>
  /** Drops and zeroes the tenant's cached keys (after rotation or shredding). */
  forget(tenantId: string): void
  /** Zeroes every cached key; call on shutdown. */
  close(): void
}

export interface KeyringOptions {
  db: Database
  provider: RootKeyProvider
  /** KEY_CACHE_TTL_SECONDS * 1000. */
  cacheTtlMs: number
}

export const shredded = () => new GoneError('tenant_keys_destroyed', "this tenant's transcript keys were destroyed")

export function createKeyring({ db, provider, cacheTtlMs }: KeyringOptions): Keyring {
  const cache = new TenantKeyCache({ ttlMs: cacheTtlMs })
  const storeIn = (tx: Tx): TenantKeyStore => ({
    async find(tenantId, version) {
      const row = await findKeyVersion(tx, tenantId, version)
      if (row?.state === 'destroyed') throw shredded()
      return row?.wrapped ?? null
    },
  })
  const ownTxStore: TenantKeyStore = {
    find: (tenantId, version) => withTenant(db, tenantId, 'app', (tx) => storeIn(tx).find(tenantId, version)),
  }
  const resolveKey = createKeyResolver(provider, ownTxStore, cache)

  async function activeKeyIn(tx: Tx, tenantId: string, opts: { beforeFirstKey?: (tx: Tx) => Promise<void> } = {}): Promise<TenantKey> {
    assertTenantKeyRef(tenantId, 1)
    await lockTenantKeys(tx, tenantId, 'shared')
    const wrapped = await findActiveKey(tx, tenantId)
    if (wrapped) {
      const key = await cache.get(tenantId, wrapped.version, async () => (await unwrapTenantKey(provider, wrapped)).key)
      return { tenantId, version: wrapped.version, key }
    }
    if (await keysDestroyed(tx, tenantId)) throw shredded()
    await opts.beforeFirstKey?.(tx)
    const fresh = await generateTenantKey(provider, tenantId, await nextKeyVersion(tx, tenantId))
    if (await insertActiveKey(tx, fresh.wrapped)) {
      // Not cached: this transaction may still roll back, and a cached key for a version that was never committed
      // would later be used in place of the key another transaction stores under the same version number.
      return fresh.key
    }
    fresh.key.key.fill(0)
    // A concurrent first use committed its key while our insert waited on the unique index: use theirs.
    const winner = await findActiveKey(tx, tenantId)
    if (!winner) throw new GoneError('tenant_key_unavailable', 'the tenant key could not be created; retry')
    const key = await cache.get(tenantId, winner.version, async () => (await unwrapTenantKey(provider, winner)).key)
    return { tenantId, version: winner.version, key }
  }

  return {
    provider,
    activeKey: (tenantId) => withTenant(db, tenantId, 'app', (tx) => activeKeyIn(tx, tenantId)),
    activeKeyIn: (tx, tenantId, opts) => activeKeyIn(tx, tenantId, opts),
    resolveKey,
    resolverIn: (tx) => createKeyResolver(provider, storeIn(tx), cache),
    async assertUsable(tx, tenantId) {
      if (await keysDestroyed(tx, tenantId)) {
        cache.forget(tenantId)
        throw shredded()
      }
    },
    forget: (tenantId) => cache.forget(tenantId),
    close: () => cache.clear(),
  }
}
