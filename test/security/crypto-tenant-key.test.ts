import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { decrypt, encrypt } from '../../server/crypto/envelope.ts'
import { TenantKeyCache } from '../../server/crypto/key-cache.ts'
import { openLocalKms } from '../../server/crypto/kms-local.ts'
import {
  createKeyResolver, generateTenantKey, tenantKeyContext, unwrapTenantKey, type WrappedTenantKey,
} from '../../server/crypto/tenant-key.ts'
import { AppError, GoneError } from '../../server/errors.ts'

const newKms = () => openLocalKms({ masterKey: randomBytes(32).toString('base64') })
const hasCode = (code: string) => (err: unknown) => err instanceof AppError && err.code === code

describe('tenant keys', () => {
  it('when a tenant key is generated, then only its wrapped form is meant for storage and it unwraps to the same bytes', async () => {
    const kms = await newKms()
    const { key, wrapped } = await generateTenantKey(kms, 'acme', 1)
    assert.equal(key.key.length, 32)
    assert.equal(wrapped.rootKeyId, kms.keyId)
    assert.ok(!wrapped.wrappedKey.includes(key.key))
    assert.deepEqual((await unwrapTenantKey(kms, wrapped)).key, key.key)
    assert.equal(tenantKeyContext('acme', 7).toString(), 'strongroom:tenant-key:acme:v7')
  })

  it("when a wrapped key is moved to another tenant's row or relabelled as another version, then unwrap fails", async () => {
    const kms = await newKms()
    const { wrapped } = await generateTenantKey(kms, 'acme', 1)
    const { wrapped: globexWrapped } = await generateTenantKey(kms, 'globex', 1)
    await assert.rejects(unwrapTenantKey(kms, { ...wrapped, tenantId: 'globex' }), hasCode('key_unwrap_failed'))
    await assert.rejects(unwrapTenantKey(kms, { ...globexWrapped, tenantId: 'acme' }), hasCode('key_unwrap_failed'))
    await assert.rejects(unwrapTenantKey(kms, { ...wrapped, version: 2 }), hasCode('key_unwrap_failed'))
  })

  it('when the key was wrapped by another root key, then unwrap says so instead of failing generically', async () => {
    const { wrapped } = await generateTenantKey(await newKms(), 'acme', 1)
    await assert.rejects(unwrapTenantKey(await newKms(), wrapped), hasCode('root_key_mismatch'))
  })

  it('when tenant ids contain separators or versions are not positive integers, then they are rejected', async () => {
    const kms = await newKms()
    for (const [tenantId, version] of [['ac:me', 1], ['', 1], ['acme', 0], ['acme', 1.5], ['acme', 2 ** 31]] as const) {
      await assert.rejects(generateTenantKey(kms, tenantId, version), hasCode('invalid_key_reference'))
    }
  })
})

describe('tenant key cache', () => {
  it('when a key is requested twice within the TTL, then it is loaded once, and concurrent requests share one load', async () => {
    const cache = new TenantKeyCache()
    let loads = 0
    const load = async () => {
      loads += 1
      return randomBytes(32)
    }
    const [a, b] = await Promise.all([cache.get('acme', 1, load), cache.get('acme', 1, load)])
    assert.equal(a, b)
    assert.equal(await cache.get('acme', 1, load), a)
    assert.equal(loads, 1)
    cache.clear()
  })

  it('when the TTL passes, then the key is zeroed and evicted and the next request reloads it', async () => {
    let now = 1_000
    const cache = new TenantKeyCache({ ttlMs: 60_000, now: () => now })
    const key = await cache.get('acme', 1, async () => randomBytes(32))
    now += 60_001
    cache.sweep()
    assert.equal(cache.size, 0)
    assert.ok(key.every((byte) => byte === 0))
    const fresh = await cache.get('acme', 1, async () => randomBytes(32))
    assert.ok(fresh.some((byte) => byte !== 0))
    cache.clear()
  })

  it('when forget(tenant) is called, then every version of that tenant is zeroed and other tenants are kept', async () => {
    const cache = new TenantKeyCache()
    const v1 = await cache.get('acme', 1, async () => randomBytes(32))
    const v2 = await cache.get('acme', 2, async () => randomBytes(32))
    const other = await cache.get('acme-corp', 1, async () => randomBytes(32))
    cache.forget('acme')
    assert.ok(v1.every((b) => b === 0) && v2.every((b) => b === 0))
    assert.ok(other.some((b) => b !== 0))
    assert.equal(cache.size, 1)
    cache.clear()
    assert.ok(other.every((b) => b === 0))
  })

  it('when forget runs while a key is loading, then the loaded key is not cached', async () => {
    const cache = new TenantKeyCache()
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const pending = cache.get('acme', 1, async () => {
      await gate
      return randomBytes(32)
    })
    cache.forget('acme')
    release()
    await pending
    assert.equal(cache.size, 0)
  })

  it('when more keys than maxEntries are cached, then the oldest is evicted and zeroed', async () => {
    const cache = new TenantKeyCache({ maxEntries: 2 })
    const first = await cache.get('t1', 1, async () => randomBytes(32))
    await cache.get('t2', 1, async () => randomBytes(32))
    await cache.get('t3', 1, async () => randomBytes(32))
    assert.equal(cache.size, 2)
    assert.ok(first.every((b) => b === 0))
    cache.clear()
  })
})

describe('key resolver', () => {
  it('when a message is encrypted with a stored tenant key, then the resolver opens it, and a destroyed key gives 410', async () => {
    const kms = await newKms()
    // Stands in for the tenant_keys repository until it exists; only find() is needed.
    const rows = new Map<string, WrappedTenantKey>()
    const store = { find: async (tenantId: string, version: number) => rows.get(`${tenantId}:${version}`) ?? null }
    const cache = new TenantKeyCache()
    const resolveKey = createKeyResolver(kms, store, cache)

    const { key, wrapped } = await generateTenantKey(kms, 'acme', 1)
    rows.set('acme:1', wrapped)
    const ctx = { tenantId: 'acme', conversationId: 'c', messageId: 'm', purpose: 'message' as const }
    const ciphertext = await encrypt(key, ctx, 'stored transcript line')
    assert.equal((await decrypt(resolveKey, ctx, ciphertext)).toString(), 'stored transcript line')

    rows.delete('acme:1')
    cache.forget('acme')
    await assert.rejects(decrypt(resolveKey, ctx, ciphertext), GoneError)

    rows.set('acme:1', { ...wrapped, tenantId: 'globex' })
    await assert.rejects(decrypt(resolveKey, ctx, ciphertext), hasCode('invalid_key_reference'))
    cache.clear()
  })
})
