import { NodeAlgorithmSuite, type EncryptedDataKey, type EncryptionContext } from '@aws-crypto/client-node'
// The SDK's own header parser; client-node does not re-export it. Same version as the SDK (a dependency of it).
import { decodeBodyHeader, deserializeFactory, type MessageHeader } from '@aws-crypto/serialize'
import { AppError } from '../errors.ts'
import { assertTenantKeyRef } from './tenant-key.ts'

/** What a ciphertext is bound to. Every field is authenticated; none is secret (they are stored in the header). */
export interface EnvelopeContext {
  tenantId: string
  conversationId: string
  messageId: string
  purpose: Purpose
}

export const PURPOSES = ['message', 'title', 'citation', 'export'] as const
export type Purpose = (typeof PURPOSES)[number]

/** Names our keyring in each encrypted data key; a message naming another namespace is not ours to open. */
export const KEY_NAMESPACE = 'strongroom'

/** providerInfo of the SDK's raw AES keyring: key name, then tag bits (4), IV length (4), IV (12). */
const PROVIDER_INFO_SUFFIX = 4 + 4 + 12
const KEY_NAME = /^tenant:([A-Za-z0-9][A-Za-z0-9._-]{0,127}):v([1-9][0-9]{0,9})$/
const ID_VALUE = /^\P{Cc}{1,200}$/u

export function keyName(tenantId: string, version: number): string {
  assertTenantKeyRef(tenantId, version)
  return `tenant:${tenantId}:v${version}`
}

/** Maps our context onto the SDK's encryption context, rejecting values that could not have been meant. */
export function toEncryptionContext(context: EnvelopeContext): EncryptionContext {
  const { tenantId, conversationId, messageId, purpose } = context
  assertTenantKeyRef(tenantId, 1)
  if (!ID_VALUE.test(conversationId) || !ID_VALUE.test(messageId) || !PURPOSES.includes(purpose)) {
    throw new AppError('invalid_encryption_context', 'invalid encryption context')
  }
  return { tenant: tenantId, conversation: conversationId, message: messageId, purpose }
}

/** Exact equality: same keys, same values, nothing extra (the SDK would add a public key for signing suites). */
export function sameContext(actual: Readonly<EncryptionContext>, expected: EncryptionContext): boolean {
  const actualKeys = Object.keys(actual).sort()
  const expectedKeys = Object.keys(expected).sort()
  return (
    actualKeys.length === expectedKeys.length &&
    actualKeys.every((k, i) => k === expectedKeys[i] && actual[k] === expected[k])
  )
}

/** Reads the tenant and key version from the single encrypted data key a Strongroom message carries. */
export function keyRefOf(edks: ReadonlyArray<EncryptedDataKey>): { tenantId: string; version: number } | null {
  const [edk] = edks
  if (edks.length !== 1 || !edk || edk.providerId !== KEY_NAMESPACE || !edk.rawInfo) return null
  if (edk.rawInfo.byteLength <= PROVIDER_INFO_SUFFIX) return null
  const name = Buffer.from(edk.rawInfo.subarray(0, edk.rawInfo.byteLength - PROVIDER_INFO_SUFFIX)).toString('utf8')
  const match = KEY_NAME.exec(name)
  if (!match) return null
  const version = Number(match[2])
  return version <= 0x7fffffff ? { tenantId: match[1]!, version } : null
}

const deserializer = deserializeFactory(
  (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
  NodeAlgorithmSuite,
)

/** Parses the (unauthenticated) header; callers must treat what it says as a claim until decryption succeeds. */
export function parseHeader(ciphertext: Buffer): MessageHeader | null {
  try {
    const info = deserializer.deserializeMessageHeader(ciphertext, { maxEncryptedDataKeys: 1 })
    return info ? info.messageHeader : null
  } catch {
    return null
  }
}

/**
 * Byte length of the framed message starting at offset 0, or null if it is incomplete or not parseable. The SDK
 * stops reading after the final frame, so without this check bytes appended to a stored ciphertext go unnoticed.
 */
export function messageLength(ciphertext: Buffer): number | null {
  try {
    const info = deserializer.deserializeMessageHeader(ciphertext, { maxEncryptedDataKeys: 1 })
    if (!info) return null
    let pos = info.rawHeader.byteLength + info.headerAuth.headerAuthLength
    for (;;) {
      const frame = decodeBodyHeader(ciphertext, info, pos)
      if (!frame) return null
      pos = frame.readPos + frame.contentLength + frame.tagLength / 8 // tagLength is in bits
      if (frame.isFinalFrame) return pos
    }
  } catch {
    return null
  }
}
