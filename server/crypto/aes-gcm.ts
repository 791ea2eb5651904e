import { createCipheriv, createDecipheriv, randomFillSync, type KeyObject } from 'node:crypto'
import { WRAP_IV_BYTES, WRAP_TAG_BYTES, packWrapped, unpackWrapped } from './kms.ts'

/**
 * AES-256-GCM in the wrapped-key layout of kms.ts, for the local root-key provider. Message encryption does not use
 * this: it goes through the AWS Encryption SDK (envelope.ts), which adds key commitment and per-message data keys.
 *
 * IVs are random 96-bit values. One root key wraps at most a few keys per tenant and version, far below the 2^32
 * invocations NIST SP 800-38D allows with random IVs.
 */
export function sealAesGcm(key: KeyObject, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomFillSync(Buffer.alloc(WRAP_IV_BYTES))
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: WRAP_TAG_BYTES })
  cipher.setAAD(aad)
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()])
  return packWrapped(iv, body)
}

/** Returns null on any failure (layout, tag, AAD) so callers raise one error that reveals nothing about which. */
export function openAesGcm(key: KeyObject, sealed: Buffer, aad: Buffer): Buffer | null {
  const parts = unpackWrapped(sealed)
  if (!parts) return null
  const { iv, ciphertextAndTag } = parts
  const tag = ciphertextAndTag.subarray(ciphertextAndTag.length - WRAP_TAG_BYTES)
  const ciphertext = ciphertextAndTag.subarray(0, ciphertextAndTag.length - WRAP_TAG_BYTES)
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: WRAP_TAG_BYTES })
    decipher.setAAD(aad)
    decipher.setAuthTag(tag)
    return Buffer.concat([decipher.update(ciphertext), decipher.final()])
  } catch {
    return null
  }
}
