import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { chmod, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { openLocalKms } from '../../server/crypto/kms-local.ts'
import { AppError, ConfigError } from '../../server/errors.ts'

let root: string
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'strongroom-kms-'))
})
after(async () => {
  await rm(root, { recursive: true, force: true })
})

const ctxA = Buffer.from('strongroom:tenant-key:acme:v1')
const ctxB = Buffer.from('strongroom:tenant-key:globex:v1')

describe('local root key provider', () => {
  it('when no key file exists, then master.key is created with mode 0600 and 32 bytes, and reused on reopen', async () => {
    const dataDir = join(root, 'fresh')
    const first = await openLocalKms({ dataDir })
    const info = await stat(join(dataDir, 'master.key'))
    assert.equal(info.mode & 0o777, 0o600)
    assert.equal(info.size, 32)
    assert.deepEqual((await readdir(dataDir)).sort(), ['master.key'], 'no temporary file is left behind')
    const tenantKey = randomBytes(32)
    const wrapped = await first.wrap(tenantKey, ctxA)
    await first.close()

    const second = await openLocalKms({ dataDir })
    assert.equal(second.keyId, first.keyId)
    assert.deepEqual(await second.unwrap(wrapped, ctxA), tenantKey)
    await second.close()
  })

  it('when two processes start together, then both end up with the same key', async () => {
    const dataDir = join(root, 'race')
    const [a, b] = await Promise.all([openLocalKms({ dataDir }), openLocalKms({ dataDir })])
    assert.equal(a.keyId, b.keyId)
  })

  it('when master.key is readable by group or others, then the provider refuses to start', async () => {
    const dataDir = join(root, 'loose')
    await (await openLocalKms({ dataDir })).close()
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      await chmod(join(dataDir, 'master.key'), mode)
      await assert.rejects(openLocalKms({ dataDir }), (err: unknown) => {
        assert.ok(err instanceof ConfigError)
        assert.match(err.message, new RegExp(`mode 0${mode.toString(8)}.*chmod 600`))
        return true
      })
    }
    await chmod(join(dataDir, 'master.key'), 0o600)
    await openLocalKms({ dataDir })
  })

  it('when master.key has the wrong size or is a symlink, then the provider refuses to start', async () => {
    const dataDir = join(root, 'bad')
    await openLocalKms({ dataDir })
    await writeFile(join(dataDir, 'master.key'), randomBytes(31), { mode: 0o600 })
    await assert.rejects(openLocalKms({ dataDir }), /exactly 32 bytes/)
    const linked = join(root, 'linked')
    await openLocalKms({ dataDir: join(root, 'target') })
    await openLocalKms({ dataDir: linked }).then((p) => p.close())
    await rm(join(linked, 'master.key'))
    await symlink(join(root, 'target', 'master.key'), join(linked, 'master.key'))
    await assert.rejects(openLocalKms({ dataDir: linked }), /symbolic link/)
  })

  it('when the master key is given as base64, then it must be exactly 32 bytes', async () => {
    const masterKey = randomBytes(32).toString('base64')
    const a = await openLocalKms({ masterKey })
    const b = await openLocalKms({ masterKey })
    assert.equal(a.keyId, b.keyId)
    assert.match(a.keyId, /^local:[0-9a-f]{16}$/)
    for (const bad of ['', randomBytes(16).toString('base64'), randomBytes(33).toString('base64'), `${masterKey.slice(0, 42)}!=`]) {
      await assert.rejects(openLocalKms({ masterKey: bad }), ConfigError)
    }
  })

  it('when a wrapped key is opened with another context, another root key or one flipped bit, then unwrap fails', async () => {
    const kms = await openLocalKms({ masterKey: randomBytes(32).toString('base64') })
    const other = await openLocalKms({ masterKey: randomBytes(32).toString('base64') })
    const tenantKey = randomBytes(32)
    const wrapped = await kms.wrap(tenantKey, ctxA)
    assert.equal(wrapped.length, 1 + 12 + 32 + 16)
    assert.deepEqual(await kms.unwrap(wrapped, ctxA), tenantKey)
    const failsToUnwrap = (err: unknown) => err instanceof AppError && err.code === 'key_unwrap_failed'
    await assert.rejects(kms.unwrap(wrapped, ctxB), failsToUnwrap)
    await assert.rejects(other.unwrap(wrapped, ctxA), failsToUnwrap)
    for (let i = 0; i < wrapped.length; i++) {
      const tampered = Buffer.from(wrapped)
      tampered[i]! ^= 0x80
      await assert.rejects(kms.unwrap(tampered, ctxA), failsToUnwrap)
    }
  })

  it('when data is signed, then verify accepts it and rejects other data, signatures or providers', async () => {
    const kms = await openLocalKms({ masterKey: randomBytes(32).toString('base64') })
    const other = await openLocalKms({ masterKey: randomBytes(32).toString('base64') })
    const data = Buffer.from('checkpoint 42: 9f86d081884c7d65')
    const signature = await kms.sign(data)
    assert.equal(signature.length, 32)
    assert.equal(await kms.verify(data, signature), true)
    assert.equal(await kms.verify(Buffer.from('checkpoint 43: 9f86d081884c7d65'), signature), false)
    assert.equal(await kms.verify(data, signature.subarray(0, 31)), false)
    assert.equal(await other.verify(data, signature), false)
    await kms.close()
    await assert.rejects(kms.sign(data), (err: unknown) => err instanceof AppError && err.code === 'kms_closed')
  })
})
