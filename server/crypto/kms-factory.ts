import type { Config } from '../config.ts'
import type { RootKeyProvider } from './kms.ts'
import { openLocalKms } from './kms-local.ts'
import { openPkcs11Kms } from './kms-pkcs11.ts'

/**
 * Opens the root key provider KMS_PROVIDER names. config.ts has already refused `local` in production unless
 * ALLOW_LOCAL_KMS_IN_PRODUCTION is set, and made the PKCS#11 settings mandatory for `pkcs11`. The local provider
 * keeps its generated master key in DATA_DIR/master.key when STRONGROOM_MASTER_KEY is unset.
 */
export async function openKms(config: Config): Promise<RootKeyProvider> {
  if (config.kms.provider === 'pkcs11') {
    if (!config.kms.pkcs11) throw new Error('KMS_PROVIDER=pkcs11 without PKCS#11 settings')
    return openPkcs11Kms(config.kms.pkcs11)
  }
  return openLocalKms({ masterKey: config.kms.masterKey, dataDir: config.dataDir })
}
