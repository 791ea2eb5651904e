import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import {
  AlgorithmSuiteIdentifier, buildClient, CommitmentPolicy, RawAesKeyringNode, RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node'
import { decrypt, encrypt, readKeyVersion, type EnvelopeContext } from '../../server/crypto/envelope.ts'
import { AppError, GoneError } from '../../server/errors.ts'

const keys = new Map<string, Buffer>([
  ['acme:1', randomBytes(32)], ['acme:2', randomBytes(32)], ['globex:1', randomBytes(32)],
])
const tenantKey = (tenantId: string, version: number) => ({ tenantId, version, key: keys.get(`${tenantId}:${version}`)! })
const resolve = async (tenantId: string, version: number) => {
  const key = keys.get(`${tenantId}:${version}`)
  if (!key) throw new GoneError('tenant_key_unavailable', 'gone')
  return key
}
const ctx: EnvelopeContext = { tenantId: 'acme', conversationId: 'conv-1', messageId: 'msg-1', purpose: 'message' }

async function rejectsWith(promise: Promise<unknown>, code: string) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof AppError, `expected AppError, got ${String(err)}`)
    assert.equal(err.code, code)
    assert.equal(err.expose, false)
    return true
  })
}

describe('envelope encryption', () => {
  it('when a message is encrypted and decrypted with its context, then the plaintext comes back', async () => {
    for (const plaintext of [Buffer.from('hello, tenant'), Buffer.alloc(0), randomBytes(4096), randomBytes(100_000)]) {
      const ciphertext = await encrypt(tenantKey('acme', 1), ctx, plaintext)
      assert.ok(!ciphertext.includes(Buffer.from('hello, tenant')))
      assert.deepEqual(await decrypt(resolve, ctx, ciphertext), plaintext)
    }
    const fromString = await encrypt(tenantKey('acme', 1), ctx, 'grüße')
    assert.equal((await decrypt(resolve, ctx, fromString)).toString('utf8'), 'grüße')
  })

  it('when the same message is encrypted twice, then the ciphertexts differ (fresh data key and IV)', async () => {
    const a = await encrypt(tenantKey('acme', 1), ctx, 'same')
    const b = await encrypt(tenantKey('acme', 1), ctx, 'same')
    assert.notDeepEqual(a, b)
  })

  it("when encrypt runs, then the caller's key buffer is left intact (the SDK zeroes the key it is given)", async () => {
    const before = Buffer.from(keys.get('acme:1')!)
    await encrypt(tenantKey('acme', 1), ctx, 'x')
    assert.deepEqual(keys.get('acme:1'), before)
  })

  it('when any single byte of the ciphertext is flipped, then decryption fails with decrypt_failed', async () => {
    const ciphertext = await encrypt(tenantKey('acme', 1), ctx, 'tamper with me')
    for (let i = 0; i < ciphertext.length; i++) {
      const tampered = Buffer.from(ciphertext)
      tampered[i]! ^= 0x01
      await assert.rejects(decrypt(resolve, ctx, tampered), AppError, `byte ${i} flipped was accepted`)
    }
    await rejectsWith(decrypt(resolve, ctx, ciphertext.subarray(0, ciphertext.length - 1)), 'decrypt_failed')
    await rejectsWith(decrypt(resolve, ctx, Buffer.concat([ciphertext, Buffer.of(0)])), 'decrypt_failed')
  })

  it('when a ciphertext is opened under another message, conversation, tenant or purpose, then it fails before any key is fetched', async () => {
    const ciphertext = await encrypt(tenantKey('acme', 1), ctx, 'bound to its row')
    let fetched = 0
    const counting = async (t: string, v: number) => {
      fetched += 1
      return resolve(t, v)
    }
    for (const moved of [
      { ...ctx, messageId: 'msg-2' }, { ...ctx, conversationId: 'conv-2' },
      { ...ctx, tenantId: 'globex' }, { ...ctx, purpose: 'title' as const },
    ]) {
      await rejectsWith(decrypt(counting, moved, ciphertext), 'decrypt_failed')
    }
    assert.equal(fetched, 0)
  })

  it('when the resolver returns the wrong key version or another tenant key, then decryption fails', async () => {
    const ciphertext = await encrypt(tenantKey('acme', 1), ctx, 'v1 only')
    assert.deepEqual(readKeyVersion(ciphertext), { tenantId: 'acme', version: 1 })
    await rejectsWith(decrypt(async () => keys.get('acme:2')!, ctx, ciphertext), 'decrypt_failed')
    await rejectsWith(decrypt(async () => keys.get('globex:1')!, ctx, ciphertext), 'decrypt_failed')
  })

  it('when the key version was destroyed, then the resolver error passes through unchanged', async () => {
    const ciphertext = await encrypt(tenantKey('acme', 2), ctx, 'shredded')
    keys.delete('acme:2')
    await assert.rejects(decrypt(resolve, ctx, ciphertext), GoneError)
  })

  it("when asked to encrypt with another tenant's key or an all-zero (evicted) key, then it refuses", async () => {
    await rejectsWith(encrypt(tenantKey('globex', 1), ctx, 'x'), 'tenant_key_mismatch')
    await rejectsWith(encrypt({ tenantId: 'acme', version: 1, key: Buffer.alloc(32) }, ctx, 'x'), 'tenant_key_evicted')
    await rejectsWith(encrypt(tenantKey('acme', 1), { ...ctx, purpose: 'other' as 'message' }, 'x'), 'invalid_encryption_context')
  })

  it('when a valid SDK message uses a signing suite or a foreign key name, then it is refused', async () => {
    const sdk = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
    const context = { tenant: 'acme', conversation: 'conv-1', message: 'msg-1', purpose: 'message' }
    const keyring = (name: string) => new RawAesKeyringNode({
      keyName: name, keyNamespace: 'strongroom', unencryptedMasterKey: new Uint8Array(keys.get('acme:1')!),
      wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    })
    const signed = await sdk.encrypt(keyring('tenant:acme:v1'), 'x', { encryptionContext: context })
    await rejectsWith(decrypt(resolve, ctx, signed.result), 'decrypt_failed')
    const foreign = await sdk.encrypt(keyring('tenant:acme:v1:extra'), 'x', {
      encryptionContext: context, suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
    })
    await rejectsWith(decrypt(resolve, ctx, foreign.result), 'decrypt_failed')
    assert.throws(() => readKeyVersion(foreign.result), (err: unknown) => (err as AppError).code === 'ciphertext_malformed')
  })

  it('when the input is not an SDK message at all, then decrypt and readKeyVersion fail cleanly', async () => {
    await rejectsWith(decrypt(resolve, ctx, randomBytes(300)), 'decrypt_failed')
    await rejectsWith(decrypt(resolve, ctx, Buffer.alloc(0)), 'decrypt_failed')
    assert.throws(() => readKeyVersion(randomBytes(300)), (err: unknown) => (err as AppError).code === 'ciphertext_malformed')
  })
})
