import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import pkcs11js from 'pkcs11js'
import { openPkcs11Kms, type Pkcs11KmsOptions } from '../../server/crypto/kms-pkcs11.ts'
import { acquireLibrary, openUserSession, releaseLibrary } from '../../server/crypto/pkcs11-token.ts'
import { generateTenantKey, unwrapTenantKey } from '../../server/crypto/tenant-key.ts'
import { AppError, ConfigError } from '../../server/errors.ts'

const LIBRARY = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so'].find((path) => existsSync(path))
const hasUtil = spawnSync('softhsm2-util', ['--version']).status === 0
const skip = !hasUtil || !LIBRARY ? 'SoftHSM2 is not installed (need softhsm2-util and libsofthsm2.so): apt-get install softhsm2' : false

const TOKEN = 'strongroom-test'
const PIN = '1234'
let dir: string
let options: Pkcs11KmsOptions

/** Reads attributes through our own session, independently of the provider's code paths. */
function withRawSession<T>(fn: (p: pkcs11js.PKCS11, session: Buffer) => T): T {
  const p = acquireLibrary(LIBRARY!)
  const session = openUserSession(p, TOKEN, PIN)
  try {
    return fn(p, session)
  } finally {
    p.C_CloseSession(session)
    releaseLibrary(LIBRARY!)
  }
}

function findByLabel(p: pkcs11js.PKCS11, session: Buffer, label: string): Buffer[] {
  p.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_LABEL, value: label }])
  const found = p.C_FindObjects(session, 10)
  p.C_FindObjectsFinal(session)
  return found
}

describe('PKCS#11 root key provider on a fresh SoftHSM2 token', { skip }, () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strongroom-hsm-'))
    await mkdir(join(dir, 'tokens'))
    const conf = join(dir, 'softhsm2.conf')
    await writeFile(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`)
    // SoftHSM2 reads SOFTHSM2_CONF in C_Initialize; this test file runs in its own process, before any initialize.
    process.env.SOFTHSM2_CONF = conf
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', TOKEN, '--pin', PIN, '--so-pin', '5678'], {
      env: process.env, stdio: 'pipe',
    })
    options = { libraryPath: LIBRARY!, tokenLabel: TOKEN, pin: PIN, keyLabel: 'strongroom-root' }
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('when wrapping a tenant key, then it unwraps only with the same context and untampered bytes', async () => {
    const kms = await openPkcs11Kms(options)
    assert.equal(kms.kind, 'pkcs11')
    assert.equal(kms.keyId, 'pkcs11:token=strongroom-test;object=strongroom-root')
    const plain = randomBytes(32)
    const context = Buffer.from('strongroom:tenant-key:acme:v1')
    const wrapped = await kms.wrap(plain, context)
    assert.equal(wrapped.length, 1 + 12 + 32 + 16)
    assert.deepEqual(await kms.unwrap(wrapped, context), plain)
    const unwrapFails = (err: unknown) => err instanceof AppError && err.code === 'key_unwrap_failed'
    await assert.rejects(kms.unwrap(wrapped, Buffer.from('strongroom:tenant-key:globex:v1')), unwrapFails)
    for (const i of [0, 1, 13, 30, wrapped.length - 1]) {
      const tampered = Buffer.from(wrapped)
      tampered[i]! ^= 0x01
      await assert.rejects(kms.unwrap(tampered, context), unwrapFails)
    }
    await kms.close()
  })

  it('when the keys were generated, then they are sensitive, non-extractable token objects whose value cannot be read', async () => {
    await (await openPkcs11Kms(options)).close()
    withRawSession((p, session) => {
      for (const label of ['strongroom-root', 'strongroom-root.hmac']) {
        const found = findByLabel(p, session, label)
        assert.equal(found.length, 1, `exactly one ${label}`)
        const attrs = p.C_GetAttributeValue(session, found[0]!, [
          { type: pkcs11js.CKA_SENSITIVE }, { type: pkcs11js.CKA_EXTRACTABLE }, { type: pkcs11js.CKA_TOKEN },
          { type: pkcs11js.CKA_ALWAYS_SENSITIVE }, { type: pkcs11js.CKA_NEVER_EXTRACTABLE },
        ])
        assert.deepEqual(attrs.map((a) => a.value[0]), [1, 0, 1, 1, 1], label)
        assert.throws(() => p.C_GetAttributeValue(session, found[0]!, [{ type: pkcs11js.CKA_VALUE }]),
          (err: unknown) => (err as pkcs11js.Pkcs11Error).code === pkcs11js.CKR_ATTRIBUTE_SENSITIVE)
      }
    })
  })

  it('when reopened, then the existing keys are found (not duplicated) and earlier wrapped keys still open', async () => {
    const first = await openPkcs11Kms(options)
    const { key, wrapped } = await generateTenantKey(first, 'acme', 3)
    await first.close()
    const second = await openPkcs11Kms(options)
    assert.deepEqual((await unwrapTenantKey(second, wrapped)).key, key.key)
    await assert.rejects(unwrapTenantKey(second, { ...wrapped, tenantId: 'globex' }), AppError)
    await second.close()
    withRawSession((p, session) => assert.equal(findByLabel(p, session, 'strongroom-root').length, 1))
  })

  it('when signing audit checkpoints, then verify accepts the signature and rejects changed data', async () => {
    const kms = await openPkcs11Kms(options)
    const data = Buffer.from('checkpoint 7: 2c26b46b68ffc68f')
    const signature = await kms.sign(data)
    assert.equal(signature.length, 32)
    assert.equal(await kms.verify(data, signature), true)
    assert.equal(await kms.verify(Buffer.from('checkpoint 8: 2c26b46b68ffc68f'), signature), false)
    assert.equal(await kms.verify(data, Buffer.alloc(32)), false)
    await kms.close()
    await assert.rejects(kms.sign(data), (err: unknown) => err instanceof AppError && err.code === 'kms_closed')
  })

  it("when all of the token's sessions are closed under the provider, then the next call reconnects and logs in", async () => {
    const kms = await openPkcs11Kms(options)
    const context = Buffer.from('strongroom:tenant-key:acme:v9')
    const wrapped = await kms.wrap(randomBytes(32), context)
    const p = acquireLibrary(LIBRARY!)
    const slot = p.C_GetSlotList(true).find((s) => p.C_GetTokenInfo(s).label.trimEnd() === TOKEN)!
    p.C_CloseAllSessions(slot)
    releaseLibrary(LIBRARY!)
    assert.equal((await kms.unwrap(wrapped, context)).length, 32)
    await kms.close()
  })

  it('when the PIN is wrong or the token is absent, then opening fails with a configuration error', async () => {
    await assert.rejects(openPkcs11Kms({ ...options, pin: '0000' }), (err: unknown) => {
      assert.ok(err instanceof ConfigError)
      assert.match(err.message, /login to token "strongroom-test" failed/)
      assert.doesNotMatch(err.message, /0000/)
      return true
    })
    await assert.rejects(openPkcs11Kms({ ...options, tokenLabel: 'no-such-token' }), ConfigError)
  })

  it('when a key with the configured label is extractable, then the provider refuses to use it', async () => {
    withRawSession((p, session) => {
      p.C_GenerateKey(session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY }, { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
        { type: pkcs11js.CKA_LABEL, value: 'weak-root' }, { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
        { type: pkcs11js.CKA_TOKEN, value: true }, { type: pkcs11js.CKA_SENSITIVE, value: false },
        { type: pkcs11js.CKA_EXTRACTABLE, value: true }, { type: pkcs11js.CKA_ENCRYPT, value: true },
        { type: pkcs11js.CKA_DECRYPT, value: true },
      ])
    })
    await assert.rejects(openPkcs11Kms({ ...options, keyLabel: 'weak-root' }), (err: unknown) => {
      assert.ok(err instanceof ConfigError)
      assert.match(err.message, /is CKA_EXTRACTABLE/)
      assert.match(err.message, /is not CKA_SENSITIVE/)
      return true
    })
  })
})
