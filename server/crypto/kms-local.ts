import { createHmac, createSecretKey, hkdfSync, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { constants, promises as fs } from 'node:fs'
import { join } from 'node:path'
import { AppError, ConfigError } from '../errors.ts'
import { openAesGcm, sealAesGcm } from './aes-gcm.ts'
import type { RootKeyProvider } from './kms.ts'

export interface LocalKmsOptions {
  /** STRONGROOM_MASTER_KEY as read by config.ts: 32 bytes, standard base64 (44 characters). Wins over the file. */
  masterKey?: string
  /** Directory holding `master.key` (32 raw bytes, mode 0600), created on first run when masterKey is absent. */
  dataDir?: string
}

const KEY_BYTES = 32
const FILE_NAME = 'master.key'

/**
 * Development and single-node root key. The master key never leaves this module: two purpose-specific keys are
 * derived from it with HKDF-SHA256 (wrapping, audit HMAC) so the same bytes are never used by two algorithms, and
 * the master bytes are zeroed once derived. Production should use the PKCS#11 provider (see KMS_PROVIDER in config.ts).
 */
export async function openLocalKms(options: LocalKmsOptions): Promise<RootKeyProvider> {
  const master = options.masterKey !== undefined ? decodeMasterKey(options.masterKey) : await loadOrCreate(options)
  const derive = (info: string, length = KEY_BYTES) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, length))
  const secret = (info: string): KeyObject => {
    const bytes = derive(info)
    const key = createSecretKey(bytes)
    bytes.fill(0)
    return key
  }
  let wrapKey: KeyObject | null = secret('strongroom:root-wrap:v1')
  let macKey: KeyObject | null = secret('strongroom:audit-hmac:v1')
  const keyId = `local:${derive('strongroom:root-key-id:v1', 8).toString('hex')}`
  master.fill(0)

  const live = (key: KeyObject | null): KeyObject => {
    if (!key) throw new AppError('kms_closed', 'root key provider is closed')
    return key
  }
  const mac = (data: Buffer) => createHmac('sha256', live(macKey)).update(data).digest()
  return {
    kind: 'local',
    keyId,
    async wrap(plainKey, context) {
      return sealAesGcm(live(wrapKey), plainKey, context)
    },
    async unwrap(wrapped, context) {
      const plain = openAesGcm(live(wrapKey), wrapped, context)
      if (!plain) throw new AppError('key_unwrap_failed', 'wrapped key could not be opened')
      return plain
    },
    async sign(data) {
      return mac(data)
    },
    async verify(data, signature) {
      const expected = mac(data)
      return signature.length === expected.length && timingSafeEqual(signature, expected)
    },
    async close() {
      wrapKey = null
      macKey = null
    },
  }
}

function decodeMasterKey(encoded: string): Buffer {
  // Strict shape check: Buffer.from(…, 'base64') silently skips invalid characters and would accept a typo.
  if (!/^[A-Za-z0-9+/]{43}=$/.test(encoded)) {
    throw new ConfigError(['STRONGROOM_MASTER_KEY must be 32 random bytes in base64 (44 characters), e.g. `openssl rand -base64 32`'])
  }
  return Buffer.from(encoded, 'base64')
}

async function loadOrCreate(options: LocalKmsOptions): Promise<Buffer> {
  if (!options.dataDir) throw new ConfigError(['local key provider needs STRONGROOM_MASTER_KEY or a data directory'])
  await fs.mkdir(options.dataDir, { recursive: true, mode: 0o700 })
  const path = join(options.dataDir, FILE_NAME)
  try {
    return await readKeyFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  await createKeyFile(options.dataDir, path)
  return readKeyFile(path)
}

/**
 * Reads the key through one descriptor (no check-then-open race), refusing symlinks, files other users can read or
 * write, files owned by someone else and files of the wrong size.
 */
async function readKeyFile(path: string): Promise<Buffer> {
  const handle = await fs.open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ELOOP') throw new ConfigError([`${path} is a symbolic link; the master key must be a regular file`])
    throw err
  })
  try {
    const stat = await handle.stat()
    const problems: string[] = []
    if (!stat.isFile()) problems.push(`${path} is not a regular file`)
    if ((stat.mode & 0o077) !== 0) {
      problems.push(`${path} has mode 0${(stat.mode & 0o777).toString(8)}; run \`chmod 600 ${path}\``)
    }
    if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
      problems.push(`${path} is owned by uid ${stat.uid}, not by the server's uid ${process.getuid()}`)
    }
    if (stat.size !== KEY_BYTES) problems.push(`${path} must hold exactly ${KEY_BYTES} bytes, found ${stat.size}`)
    if (problems.length > 0) throw new ConfigError(problems)
    const key = Buffer.alloc(KEY_BYTES)
    const { bytesRead } = await handle.read(key, 0, KEY_BYTES, 0)
    if (bytesRead !== KEY_BYTES) throw new ConfigError([`${path} could not be read in full`])
    return key
  } finally {
    await handle.close()
  }
}

/**
 * Writes a fresh key to a private temporary file and publishes it with link(2), which fails if `master.key` already
 * exists: two processes starting at once end up sharing one key, and a reader never sees a half-written file.
 */
async function createKeyFile(dir: string, path: string): Promise<void> {
  const tmp = join(dir, `.${FILE_NAME}.${randomBytes(6).toString('hex')}.tmp`)
  const key = randomFillSync(Buffer.alloc(KEY_BYTES))
  try {
    const handle = await fs.open(tmp, 'wx', 0o600)
    try {
      await handle.writeFile(key)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await fs.link(tmp, path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err
    })
    const dirHandle = await fs.open(dir, 'r')
    await dirHandle.sync().finally(() => dirHandle.close())
  } finally {
    key.fill(0)
    await fs.rm(tmp, { force: true })
  }
}
