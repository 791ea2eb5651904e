import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { calculateJwkThumbprint, type JSONWebKeySet, type JWK } from 'jose'

/** The dev IdP signs ID tokens and access tokens with one RS256 key: the default every RP library accepts. */
export const DEV_IDP_ALG = 'RS256'
export const DEV_IDP_KEYS_FILE = 'oidc-jwks.json'

export interface DevIdpKeys {
  /** Private JWK set (with `kid`, `alg`, `use`), for oidc-provider and the dev token minter. Never serve it. */
  privateJwks: { keys: JWK[] }
  /** Public JWK set, for the token verifier (`createLocalJWKSet`). */
  publicJwks: JSONWebKeySet
}

const PRIVATE_RSA_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const

function toPublic(jwk: JWK): JWK {
  // Allow-list rather than deleting private members, so an unexpected member can never leak.
  const { kty, n, e, kid, alg, use } = jwk
  return { kty, n, e, kid, alg, use }
}

function parseKeys(text: string, file: string): DevIdpKeys {
  const parsed = JSON.parse(text) as { keys?: unknown }
  const keys = Array.isArray(parsed.keys) ? (parsed.keys as JWK[]) : []
  const valid = keys.length > 0 && keys.every((k) =>
    k.kty === 'RSA' && k.alg === DEV_IDP_ALG && typeof k.kid === 'string' &&
    PRIVATE_RSA_MEMBERS.every((m) => typeof k[m] === 'string'))
  if (!valid) throw new Error(`${file} is not an RS256 private JWK set; delete it to generate a new one`)
  return { privateJwks: { keys }, publicJwks: { keys: keys.map(toPublic) } }
}

async function generate(): Promise<JWK> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = privateKey.export({ format: 'jwk' }) as JWK
  const kid = await calculateJwkThumbprint({ kty: 'RSA', n: jwk.n, e: jwk.e })
  return { ...jwk, kid, alg: DEV_IDP_ALG, use: 'sig' }
}

/**
 * Loads the dev IdP signing keys from `<dataDir>/oidc-jwks.json`, generating them on first run.
 *
 * Security decisions: the file is written with mode 0600 and published with link(2), which fails if the name
 * exists, so two processes starting at once (server and token CLI) never overwrite each other's key or read a
 * half-written file. An existing file readable by group or others is refused rather than silently trusted.
 */
export async function loadOrCreateDevIdpKeys(dataDir: string): Promise<DevIdpKeys> {
  const file = path.join(dataDir, DEV_IDP_KEYS_FILE)
  try {
    return await readExisting(file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  await writeFile(tmp, `${JSON.stringify({ keys: [await generate()] }, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
  try {
    await link(tmp, file)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  } finally {
    await unlink(tmp)
  }
  return readExisting(file)
}

async function readExisting(file: string): Promise<DevIdpKeys> {
  const info = await stat(file)
  if ((info.mode & 0o077) !== 0) {
    throw new Error(`${file} is readable by other users (mode ${(info.mode & 0o777).toString(8)}); run chmod 600 on it`)
  }
  return parseKeys(await readFile(file, 'utf8'), file)
}
