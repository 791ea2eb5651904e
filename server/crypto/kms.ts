/**
 * Root-key providers: the top of the key hierarchy (root key -> per-tenant key -> per-message data key).
 *
 * A provider never hands out the root key. It only wraps and unwraps tenant keys, binding each wrapped key to a
 * context (tenant id and key version, see tenant-key.ts) so a wrapped key copied onto another tenant's row fails to
 * unwrap. It also signs audit checkpoints with an HMAC key that stays inside the provider.
 */
export interface RootKeyProvider {
  readonly kind: 'local' | 'pkcs11'
  /**
   * Stable, non-secret identifier of the root key (a fingerprint for `local`, an RFC 7512 style URI for `pkcs11`).
   * Stored next to every wrapped tenant key so a key wrapped by another root is reported as such instead of failing
   * as a generic authentication error.
   */
  readonly keyId: string
  /** Encrypts `plainKey` under the root key with AES-256-GCM; `context` is authenticated (AAD), not stored. */
  wrap(plainKey: Buffer, context: Buffer): Promise<Buffer>
  /** Reverses wrap(); rejects with AppError `key_unwrap_failed` if the blob or the context does not match. */
  unwrap(wrapped: Buffer, context: Buffer): Promise<Buffer>
  /** HMAC-SHA256 over `data` with a provider-held key that is separate from the wrapping key. */
  sign(data: Buffer): Promise<Buffer>
  /** Checks a sign() result; false on mismatch, never throws for a bad signature. */
  verify(data: Buffer, signature: Buffer): Promise<boolean>
  /** Releases sessions and key references; later calls reject with `kms_closed`. */
  close(): Promise<void>
}

/**
 * Layout of a wrapped key, shared by both providers: version (1 byte, 0x01) | IV (12) | ciphertext | GCM tag (16).
 * The version byte lets a later format (for example AES-KW) coexist with stored keys.
 */
export const WRAP_FORMAT_V1 = 0x01
export const WRAP_IV_BYTES = 12
export const WRAP_TAG_BYTES = 16

export function packWrapped(iv: Buffer, ciphertextAndTag: Buffer): Buffer {
  return Buffer.concat([Buffer.of(WRAP_FORMAT_V1), iv, ciphertextAndTag])
}

/** Splits a wrapped key; returns null when the layout is not one this code wrote. */
export function unpackWrapped(wrapped: Buffer): { iv: Buffer; ciphertextAndTag: Buffer } | null {
  if (wrapped.length < 1 + WRAP_IV_BYTES + WRAP_TAG_BYTES + 1 || wrapped[0] !== WRAP_FORMAT_V1) return null
  return {
    iv: wrapped.subarray(1, 1 + WRAP_IV_BYTES),
    ciphertextAndTag: wrapped.subarray(1 + WRAP_IV_BYTES),
  }
}
