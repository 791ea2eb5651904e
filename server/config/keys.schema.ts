import { z } from 'zod'
import { bool } from './fields.ts'

/** The root key provider that wraps tenant transcript keys. */
export const keysEnv = {
  /** Root key provider for transcript keys: local (a master key, development) or pkcs11 (an HSM; production). */
  KMS_PROVIDER: z.enum(['local', 'pkcs11']).default('local'),
  /** Local provider: 32 random bytes in base64. Unset: DATA_DIR/master.key, generated on first run. Secret, no default. */
  STRONGROOM_MASTER_KEY: z.string().min(1).optional(),
  /** Lets production run the local key provider (single-node installations that accept a key on disk). */
  ALLOW_LOCAL_KMS_IN_PRODUCTION: bool.optional(),
  /** PKCS#11 module path, e.g. /usr/lib/softhsm/libsofthsm2.so. Required with KMS_PROVIDER=pkcs11. */
  PKCS11_LIBRARY: z.string().min(1).optional(),
  /** Label of the token holding the root key. Required with KMS_PROVIDER=pkcs11. */
  PKCS11_TOKEN_LABEL: z.string().min(1).max(32).optional(),
  /** User PIN of that token. Secret, no default; required with KMS_PROVIDER=pkcs11. */
  PKCS11_PIN: z.string().min(1).optional(),
  /** Label of the AES root key in the token (generated there, non-extractable, on first use). */
  PKCS11_KEY_LABEL: z.string().min(1).max(64).default('strongroom-root'),
  /** Seconds an unwrapped tenant key stays in memory; also how long another instance may still read after a shred. */
  KEY_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
}
