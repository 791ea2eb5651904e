import pkcs11js from 'pkcs11js'
import { AppError } from '../errors.ts'
import { WRAP_IV_BYTES, WRAP_TAG_BYTES, packWrapped, unpackWrapped, type RootKeyProvider } from './kms.ts'
import { acquireLibrary, findOrCreateSecretKey, openUserSession, releaseLibrary } from './pkcs11-token.ts'

export interface Pkcs11KmsOptions {
  /** Path of the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so on Debian. */
  libraryPath: string
  tokenLabel: string
  /** User PIN; passed in from config, never logged. */
  pin: string
  /** Label of the AES root key; the audit HMAC key is `<keyLabel>.hmac`. */
  keyLabel: string
}

type Handle = Buffer
interface Session { handle: Handle; aesKey: Handle; macKey: Handle }

/** Session-level failures after which one fresh session and login are worth a retry (token re-inserted, HSM restart). */
const RECOVERABLE = new Set([
  pkcs11js.CKR_SESSION_HANDLE_INVALID, pkcs11js.CKR_SESSION_CLOSED, pkcs11js.CKR_USER_NOT_LOGGED_IN,
  pkcs11js.CKR_DEVICE_REMOVED, pkcs11js.CKR_TOKEN_NOT_PRESENT, pkcs11js.CKR_OBJECT_HANDLE_INVALID,
  pkcs11js.CKR_KEY_HANDLE_INVALID,
])

/**
 * Root key held in a PKCS#11 token (SoftHSM2 in development, an HSM in production).
 *
 * Wrapping uses C_Encrypt with CKM_AES_GCM and the tenant-key context as AAD rather than C_WrapKey: tenant keys live
 * in process memory (the Encryption SDK needs their bytes), and SoftHSM2 2.6 offers no GCM wrap mechanism, while
 * CKM_AES_KEY_WRAP_PAD could not bind the context. The IV comes from the token's RNG.
 *
 * Calls are synchronous on one session, so two operations can never interleave on it; each takes tens of
 * microseconds and happens only on a tenant-key cache miss or an audit checkpoint.
 */
export async function openPkcs11Kms(options: Pkcs11KmsOptions): Promise<RootKeyProvider> {
  const p = acquireLibrary(options.libraryPath)
  let current: Session | null = null
  let closed = false

  const connect = (): Session => {
    const handle = openUserSession(p, options.tokenLabel, options.pin)
    try {
      const aesKey = findOrCreateSecretKey(p, handle, {
        label: options.keyLabel, keyType: pkcs11js.CKK_AES, mechanism: pkcs11js.CKM_AES_KEY_GEN,
        usages: [pkcs11js.CKA_ENCRYPT, pkcs11js.CKA_DECRYPT],
      })
      const macKey = findOrCreateSecretKey(p, handle, {
        label: `${options.keyLabel}.hmac`, keyType: pkcs11js.CKK_GENERIC_SECRET,
        mechanism: pkcs11js.CKM_GENERIC_SECRET_KEY_GEN, usages: [pkcs11js.CKA_SIGN, pkcs11js.CKA_VERIFY],
      })
      return { handle, aesKey, macKey }
    } catch (err) {
      p.C_CloseSession(handle)
      throw err
    }
  }
  const drop = () => {
    if (!current) return
    try {
      p.C_CloseSession(current.handle)
    } catch {
      // The session is already gone; nothing left to release.
    }
    current = null
  }
  const run = <T>(op: (s: Session) => T): T => {
    if (closed) throw new AppError('kms_closed', 'root key provider is closed')
    try {
      return op((current ??= connect()))
    } catch (err) {
      if (!RECOVERABLE.has((err as pkcs11js.Pkcs11Error).code)) throw err
      drop()
      return op((current = connect()))
    }
  }
  const gcm = (iv: Buffer, aad: Buffer): pkcs11js.Mechanism => ({
    mechanism: pkcs11js.CKM_AES_GCM,
    parameter: { type: pkcs11js.CK_PARAMS_GCM, iv, aad, ivBits: WRAP_IV_BYTES * 8, tagBits: WRAP_TAG_BYTES * 8 } as pkcs11js.AesGCM,
  })
  const hmac: pkcs11js.Mechanism = { mechanism: pkcs11js.CKM_SHA256_HMAC }

  try {
    run(() => undefined)
  } catch (err) {
    releaseLibrary(options.libraryPath)
    throw err
  }

  return {
    kind: 'pkcs11',
    keyId: `pkcs11:token=${encodeURIComponent(options.tokenLabel)};object=${encodeURIComponent(options.keyLabel)}`,
    async wrap(plainKey, context) {
      return run((s) => {
        const iv = p.C_GenerateRandom(s.handle, Buffer.alloc(WRAP_IV_BYTES))
        p.C_EncryptInit(s.handle, gcm(iv, context), s.aesKey)
        return packWrapped(iv, p.C_Encrypt(s.handle, plainKey, Buffer.alloc(plainKey.length + WRAP_TAG_BYTES)))
      })
    },
    async unwrap(wrapped, context) {
      const parts = unpackWrapped(wrapped)
      if (!parts) throw new AppError('key_unwrap_failed', 'wrapped key could not be opened')
      return run((s) => {
        p.C_DecryptInit(s.handle, gcm(parts.iv, context), s.aesKey)
        try {
          return p.C_Decrypt(s.handle, parts.ciphertextAndTag, Buffer.alloc(parts.ciphertextAndTag.length))
        } catch (err) {
          // SoftHSM2 reports a GCM tag mismatch as CKR_GENERAL_ERROR, so only session loss is passed on for retry.
          if (RECOVERABLE.has((err as pkcs11js.Pkcs11Error).code)) throw err
          throw new AppError('key_unwrap_failed', 'wrapped key could not be opened')
        }
      })
    },
    async sign(data) {
      return run((s) => {
        p.C_SignInit(s.handle, hmac, s.macKey)
        return p.C_Sign(s.handle, data, Buffer.alloc(32))
      })
    },
    async verify(data, signature) {
      return run((s) => {
        p.C_VerifyInit(s.handle, hmac, s.macKey)
        try {
          return p.C_Verify(s.handle, data, signature)
        } catch (err) {
          const code = (err as pkcs11js.Pkcs11Error).code
          if (code === pkcs11js.CKR_SIGNATURE_INVALID || code === pkcs11js.CKR_SIGNATURE_LEN_RANGE) return false
          throw err
        }
      })
    },
    async close() {
      if (closed) return
      closed = true
      // Logging out would also log out other sessions of this process on the same token; closing ours suffices.
      drop()
      releaseLibrary(options.libraryPath)
    },
  }
}
