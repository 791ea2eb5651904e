import {
  AlgorithmSuiteIdentifier, buildClient, CommitmentPolicy, NodeDefaultCryptographicMaterialsManager, RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier, type NodeDecryptionMaterial, type NodeDecryptionRequest,
  type NodeEncryptionMaterial, type NodeMaterialsManager,
} from '@aws-crypto/client-node'
import { AppError } from '../errors.ts'
import {
  KEY_NAMESPACE, keyName, keyRefOf, messageLength, parseHeader, sameContext, toEncryptionContext, type EnvelopeContext,
} from './envelope-header.ts'
import { TENANT_KEY_BYTES, type TenantKey } from './tenant-key.ts'

export type { EnvelopeContext, Purpose } from './envelope-header.ts'
export type ResolveKey = (tenantId: string, version: number) => Promise<Buffer>

/**
 * Message format: AWS Encryption SDK v2 messages. Each message gets a fresh data key, wrapped by the tenant key
 * (raw AES-256-GCM keyring named `tenant:<id>:v<n>`), so the header says which key version opens it.
 *
 * Pinned: the key-committing suite without ECDSA signatures (P-384 signing multiplies the cost per message and proves
 * nothing when every reader also holds the symmetric key), REQUIRE_ENCRYPT_REQUIRE_DECRYPT, one encrypted data key.
 */
const SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY
const MAX_BODY_BYTES = 16 * 1024 * 1024
const sdk = buildClient({ commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT, maxEncryptedDataKeys: 1 })

const decryptFailed = (reason: string) =>
  new AppError('decrypt_failed', 'stored data could not be decrypted', { cause: new Error(reason) })

/** The SDK zeroes the key it is given once imported, so it gets an isolated copy, never the cached buffer. */
function keyringFor(tenantId: string, version: number, key: Buffer): RawAesKeyringNode {
  if (key.length !== TENANT_KEY_BYTES || key.every((byte) => byte === 0)) {
    // All zeros is an evicted or shredded cache entry (key-cache.ts), never a generated key.
    throw new AppError('tenant_key_evicted', 'tenant key was evicted while in use; retry', { status: 503 })
  }
  return new RawAesKeyringNode({
    keyName: keyName(tenantId, version),
    keyNamespace: KEY_NAMESPACE,
    unencryptedMasterKey: new Uint8Array(key),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  })
}

/**
 * Encrypts one stored value (message, title, citation, export) under the tenant key, bound to its row by `context`.
 * The result is self-describing: store it as is; readKeyVersion() tells which key version it needs.
 */
export async function encrypt(tenantKey: TenantKey, context: EnvelopeContext, plaintext: Buffer | string): Promise<Buffer> {
  const encryptionContext = toEncryptionContext(context)
  if (tenantKey.tenantId !== context.tenantId) {
    throw new AppError('tenant_key_mismatch', "refusing to encrypt with another tenant's key")
  }
  const keyring = keyringFor(tenantKey.tenantId, tenantKey.version, tenantKey.key)
  try {
    const { result } = await sdk.encrypt(keyring, plaintext, { encryptionContext, suiteId: SUITE })
    return result
  } catch (err) {
    throw new AppError('encrypt_failed', 'data could not be encrypted', { cause: err })
  }
}

/**
 * Opens a ciphertext only if its header carries exactly the expected context. The check runs in the materials
 * manager, before any key is fetched or the data key unwrapped, and again on the header the SDK returns: the
 * installed SDK (5.x) has no "required encryption context" option of its own for decrypt().
 */
export async function decrypt(resolveKey: ResolveKey, expected: EnvelopeContext, ciphertext: Buffer): Promise<Buffer> {
  const expectedContext = toEncryptionContext(expected)
  if (messageLength(ciphertext) !== ciphertext.length) throw decryptFailed('truncated or trailing bytes')
  let refusal: unknown = null
  let resolverError: unknown = null
  const cmm: NodeMaterialsManager = {
    async getEncryptionMaterials(): Promise<NodeEncryptionMaterial> {
      throw new Error('decrypt-only materials manager')
    },
    async decryptMaterials(request: NodeDecryptionRequest): Promise<NodeDecryptionMaterial> {
      try {
        if (request.suite.id !== SUITE) throw decryptFailed('unexpected algorithm suite')
        if (!sameContext(request.encryptionContext, expectedContext)) throw decryptFailed('context mismatch')
        const ref = keyRefOf(request.encryptedDataKeys)
        if (!ref || ref.tenantId !== expected.tenantId) throw decryptFailed('key name mismatch')
        const key = await resolveKey(ref.tenantId, ref.version).catch((err: unknown) => {
          resolverError = err
          throw err
        })
        const keyring = keyringFor(ref.tenantId, ref.version, key)
        return await new NodeDefaultCryptographicMaterialsManager(keyring).decryptMaterials(request)
      } catch (err) {
        refusal = err
        throw err
      }
    },
  }
  let output: Awaited<ReturnType<typeof sdk.decrypt>>
  try {
    output = await sdk.decrypt(cmm, ciphertext, { maxBodySize: MAX_BODY_BYTES })
  } catch (err) {
    // Key resolution errors pass through unchanged: a shredded key (410) or a database outage is not a corrupt message.
    if (resolverError) throw resolverError
    if (refusal instanceof AppError) throw refusal
    throw new AppError('decrypt_failed', 'stored data could not be decrypted', { cause: refusal ?? err })
  }
  const { plaintext, messageHeader } = output
  if (messageHeader.suiteId !== SUITE || !sameContext(messageHeader.encryptionContext, expectedContext)) {
    plaintext.fill(0)
    throw decryptFailed('context mismatch after decryption')
  }
  return plaintext
}

/**
 * Which tenant key version a ciphertext claims to need, from its unauthenticated header: enough to plan a re-encryption
 * under a newer version, never a substitute for decrypt() checking the context.
 */
export function readKeyVersion(ciphertext: Buffer): { tenantId: string; version: number } {
  const header = parseHeader(ciphertext)
  const ref = header ? keyRefOf(header.encryptedDataKeys) : null
  if (!header || !ref || header.encryptionContext['tenant'] !== ref.tenantId) {
    throw new AppError('ciphertext_malformed', 'stored data has an unreadable header')
  }
  return ref
}
