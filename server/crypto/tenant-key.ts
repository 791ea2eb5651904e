import { randomFillSync } from 'node:crypto'
import { AppError, GoneError } from '../errors.ts'
import type { TenantKeyCache } from './key-cache.ts'
import type { RootKeyProvider } from './kms.ts'

/** An unwrapped tenant key. Only this module, the cache and envelope.ts hold one; it is never stored or logged. */
export interface TenantKey {
  readonly tenantId: string
  readonly version: number
  readonly key: Buffer
}

/** A row of `tenant_keys`: what is persisted. `rootKeyId` records which root key wrapped it (for root rotation). */
export interface WrappedTenantKey {
  readonly tenantId: string
  readonly version: number
  readonly rootKeyId: string
  readonly wrappedKey: Buffer
}

/**
 * What the key store repository provides. Tenant id comes first, as for every tenant-scoped read. Returning null
 * means the version does not exist or was destroyed (crypto-shredding), which makes its messages unreadable.
 */
export interface TenantKeyStore {
  find(tenantId: string, version: number): Promise<WrappedTenantKey | null>
}

export const TENANT_KEY_BYTES = 32
const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/

/** Tenant ids appear in key names and AAD strings delimited by ':', so the alphabet is closed and colon-free. */
export function assertTenantKeyRef(tenantId: string, version: number): void {
  if (!TENANT_ID.test(tenantId) || !Number.isInteger(version) || version < 1 || version > 0x7fffffff) {
    throw new AppError('invalid_key_reference', 'invalid tenant id or key version')
  }
}

/**
 * AAD for wrapping a tenant key under the root key. Binding tenant id and version means a wrapped key copied to
 * another tenant's row, or relabelled as another version, fails authentication instead of opening.
 */
export function tenantKeyContext(tenantId: string, version: number): Buffer {
  assertTenantKeyRef(tenantId, version)
  return Buffer.from(`strongroom:tenant-key:${tenantId}:v${version}`, 'utf8')
}

/** Generates a fresh random tenant key and wraps it; the caller persists `wrapped` and may keep or drop `key`. */
export async function generateTenantKey(
  provider: RootKeyProvider,
  tenantId: string,
  version: number,
): Promise<{ key: TenantKey; wrapped: WrappedTenantKey }> {
  const key = randomFillSync(Buffer.alloc(TENANT_KEY_BYTES))
  const wrappedKey = await provider.wrap(key, tenantKeyContext(tenantId, version))
  return { key: { tenantId, version, key }, wrapped: { tenantId, version, rootKeyId: provider.keyId, wrappedKey } }
}

export async function unwrapTenantKey(provider: RootKeyProvider, wrapped: WrappedTenantKey): Promise<TenantKey> {
  if (wrapped.rootKeyId !== provider.keyId) {
    throw new AppError('root_key_mismatch', 'tenant key was wrapped by a different root key')
  }
  const key = await provider.unwrap(wrapped.wrappedKey, tenantKeyContext(wrapped.tenantId, wrapped.version))
  if (key.length !== TENANT_KEY_BYTES) {
    key.fill(0)
    throw new AppError('key_unwrap_failed', 'wrapped key could not be opened')
  }
  return { tenantId: wrapped.tenantId, version: wrapped.version, key }
}

/**
 * The `resolveKey` function envelope.decrypt() needs: cache first, then store + root key. A missing row is reported
 * as `tenant_key_unavailable` (410): the data it protected is gone on purpose, retrying will not help.
 */
export function createKeyResolver(
  provider: RootKeyProvider,
  store: TenantKeyStore,
  cache: TenantKeyCache,
): (tenantId: string, version: number) => Promise<Buffer> {
  return (tenantId, version) => {
    assertTenantKeyRef(tenantId, version)
    return cache.get(tenantId, version, async () => {
      const wrapped = await store.find(tenantId, version)
      if (!wrapped) throw new GoneError('tenant_key_unavailable', 'the key for this data no longer exists')
      if (wrapped.tenantId !== tenantId || wrapped.version !== version) {
        throw new AppError('invalid_key_reference', 'key store returned another key')
      }
      return (await unwrapTenantKey(provider, wrapped)).key
    })
  }
}
