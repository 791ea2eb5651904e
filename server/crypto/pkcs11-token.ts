import { endianness } from 'node:os'
import pkcs11js from 'pkcs11js'
import { ConfigError } from '../errors.ts'

type Handle = Buffer
type Attr = pkcs11js.Attribute

/**
 * One Cryptoki instance per library path for the whole process: C_Initialize and C_Finalize are process-wide, so
 * two providers on the same library must share them, and only the last close() may finalize. If something else in
 * the process initialized the library first, we use it and never finalize it.
 */
const libraries = new Map<string, { module: pkcs11js.PKCS11; refs: number; finalize: boolean }>()

export function acquireLibrary(libraryPath: string): pkcs11js.PKCS11 {
  const existing = libraries.get(libraryPath)
  if (existing) {
    existing.refs += 1
    return existing.module
  }
  const module = new pkcs11js.PKCS11()
  module.load(libraryPath)
  let finalize = true
  try {
    module.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK })
  } catch (err) {
    if ((err as pkcs11js.Pkcs11Error).code !== pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED) throw err
    finalize = false
  }
  libraries.set(libraryPath, { module, refs: 1, finalize })
  return module
}

export function releaseLibrary(libraryPath: string): void {
  const entry = libraries.get(libraryPath)
  if (!entry || --entry.refs > 0) return
  libraries.delete(libraryPath)
  if (entry.finalize) entry.module.C_Finalize()
  entry.module.close()
}

/** Opens a read-write session on the token with this label and logs the user in. */
export function openUserSession(p: pkcs11js.PKCS11, tokenLabel: string, pin: string): Handle {
  const slot = p.C_GetSlotList(true).find((s) => p.C_GetTokenInfo(s).label.trimEnd() === tokenLabel)
  if (!slot) throw new ConfigError([`no PKCS#11 token labelled "${tokenLabel}" is present`])
  const session = p.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION)
  try {
    p.C_Login(session, pkcs11js.CKU_USER, pin)
  } catch (err) {
    // Login state is per application, not per session: a second session of this process is already logged in.
    if ((err as pkcs11js.Pkcs11Error).code !== pkcs11js.CKR_USER_ALREADY_LOGGED_IN) {
      p.C_CloseSession(session)
      throw new ConfigError([`PKCS#11 login to token "${tokenLabel}" failed (${(err as Error).message})`])
    }
  }
  return session
}

export interface SecretKeySpec {
  label: string
  keyType: number
  mechanism: number
  /** Usage attributes set to true; every other usage is explicitly false. */
  usages: number[]
}

const USAGES = [
  pkcs11js.CKA_ENCRYPT, pkcs11js.CKA_DECRYPT, pkcs11js.CKA_WRAP, pkcs11js.CKA_UNWRAP,
  pkcs11js.CKA_SIGN, pkcs11js.CKA_VERIFY, pkcs11js.CKA_DERIVE,
]

/**
 * Finds the key by label, or generates it inside the token: a persistent (CKA_TOKEN), private, 256-bit secret that
 * is sensitive and non-extractable, so its value can never be read or wrapped out, with only the usages it needs.
 * An existing key is re-checked and refused if it is weaker, since anyone with the PIN could have created it.
 */
export function findOrCreateSecretKey(p: pkcs11js.PKCS11, session: Handle, spec: SecretKeySpec): Handle {
  const identity: Attr[] = [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: spec.keyType },
    { type: pkcs11js.CKA_LABEL, value: spec.label },
  ]
  p.C_FindObjectsInit(session, identity)
  const found = p.C_FindObjects(session, 2)
  p.C_FindObjectsFinal(session)
  if (found.length > 1) throw new ConfigError([`PKCS#11 token holds several keys labelled "${spec.label}"`])
  if (found[0]) {
    assertSafeKey(p, session, found[0], spec)
    return found[0]
  }
  return p.C_GenerateKey(session, { mechanism: spec.mechanism }, [
    ...identity,
    { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    { type: pkcs11js.CKA_MODIFIABLE, value: false },
    ...USAGES.map((type) => ({ type, value: spec.usages.includes(type) })),
  ])
}

function assertSafeKey(p: pkcs11js.PKCS11, session: Handle, key: Handle, spec: SecretKeySpec): void {
  const read = (type: number) => p.C_GetAttributeValue(session, key, [{ type }])[0]?.value ?? Buffer.alloc(0)
  const flag = (type: number) => read(type)[0] === 1
  const problems: string[] = []
  if (!flag(pkcs11js.CKA_SENSITIVE)) problems.push('is not CKA_SENSITIVE')
  if (flag(pkcs11js.CKA_EXTRACTABLE)) problems.push('is CKA_EXTRACTABLE')
  if (!flag(pkcs11js.CKA_TOKEN)) problems.push('is not a token object')
  if (readUlong(read(pkcs11js.CKA_VALUE_LEN)) !== 32) problems.push('is not 256 bits long')
  for (const usage of spec.usages) if (!flag(usage)) problems.push(`lacks usage attribute 0x${usage.toString(16)}`)
  if (problems.length > 0) {
    throw new ConfigError(problems.map((problem) => `PKCS#11 key "${spec.label}" ${problem}; refusing to use it`))
  }
}

/** CK_ULONG attributes come back in native byte order, 8 bytes on LP64 platforms and 4 on Windows. */
function readUlong(value: Buffer): number {
  const le = endianness() === 'LE'
  if (value.length === 8) return Number(le ? value.readBigUInt64LE() : value.readBigUInt64BE())
  if (value.length === 4) return le ? value.readUInt32LE() : value.readUInt32BE()
  return -1
}
