import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Config } from '../../server/config.ts'
import { openKms } from '../../server/crypto/kms-factory.ts'
import { openLocalKms } from '../../server/crypto/kms-local.ts'
import { withOwner } from '../../server/db/tx.ts'
import { createKeyring } from '../../server/keys/keyring.ts'
import { rotateKey, shredKeys } from '../../server/keys/keys.service.ts'
import { rewrapKeys } from '../../server/keys/rewrap.service.ts'
import { appendMessages, getConversation, startConversation } from '../../server/transcripts/index.ts'
import { testConfig } from '../helpers/test-db.ts'
import { exchange, hasCode, openTranscriptDb, principalOf, type TranscriptTestDb } from '../helpers/transcript-fixtures.ts'

const LIBRARY = ['/usr/lib/softhsm/libsofthsm2.so', '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so'].find((path) => existsSync(path))
const hasUtil = spawnSync('softhsm2-util', ['--version']).status === 0
const skip = !hasUtil || !LIBRARY ? 'SoftHSM2 is not installed (need softhsm2-util and libsofthsm2.so): apt-get install softhsm2' : false

const alice = principalOf('alice')

describe('transcripts under a PKCS#11 root key on a fresh SoftHSM2 token', { skip }, () => {
  let dir: string
  let config: Config
  let t: TranscriptTestDb
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strongroom-keys-hsm-'))
    await mkdir(join(dir, 'tokens'))
    const conf = join(dir, 'softhsm2.conf')
    await writeFile(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`)
    // Read by SoftHSM2 at C_Initialize; this file runs in its own process, before any initialize.
    process.env.SOFTHSM2_CONF = conf
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', 'strongroom-keys', '--pin', '4321', '--so-pin', '8765'], { stdio: 'pipe' })
    config = testConfig({
      KMS_PROVIDER: 'pkcs11', PKCS11_LIBRARY: LIBRARY!, PKCS11_TOKEN_LABEL: 'strongroom-keys', PKCS11_PIN: '4321',
    })
    t = await openTranscriptDb({ provider: await openKms(config) })
  })
  after(async () => {
    await t?.close()
    await rm(dir, { recursive: true, force: true })
    await rm(config.dataDir, { recursive: true, force: true })
  })

  it('when the factory opens the configured token, then tenant keys are wrapped by it and bound to it', async () => {
    assert.equal(t.provider.kind, 'pkcs11')
    const { conversationId } = await startConversation(t.deps, alice, 'hsm')
    await appendMessages(t.deps, alice, conversationId, exchange('hsm question', 'hsm answer'))
    const { rows } = await withOwner(t.db, (tx) => tx.query(`SELECT root_key_id FROM tenant_keys WHERE tenant_id = 'acme'`))
    assert.deepEqual(rows, [{ root_key_id: 'pkcs11:token=strongroom-keys;object=strongroom-root' }])
    const local = await openLocalKms({ masterKey: randomBytes(32).toString('base64') })
    const stranger = createKeyring({ db: t.db, provider: local, cacheTtlMs: 1000 })
    await assert.rejects(getConversation({ db: t.db, keyring: stranger }, alice, conversationId), hasCode('root_key_mismatch'))
    stranger.close()
    await local.close()
  })

  it('when rotating and rewrapping, and the provider is reopened with new sessions, then everything reads back; after a shred nothing does', async () => {
    const { conversationId } = await startConversation(t.deps, alice, 'persisted')
    await appendMessages(t.deps, alice, conversationId, exchange('before', 'rotation'))
    await rotateKey(t.deps, 'acme', 'cli:test')
    assert.equal((await rewrapKeys(t.deps, 'acme', 'cli:test', { batchSize: 10 })).complete, true)

    const reopened = await openKms(config)
    const keyring = createKeyring({ db: t.db, provider: reopened, cacheTtlMs: 1000 })
    try {
      const c = await getConversation({ db: t.db, keyring }, alice, conversationId)
      assert.deepEqual([c!.title, c!.messages[1]!.text], ['persisted', 'rotation'])
      await shredKeys({ db: t.db, keyring }, 'acme', 'cli:test')
      await assert.rejects(getConversation(t.deps, alice, conversationId), hasCode('tenant_keys_destroyed'))
    } finally {
      keyring.close()
      await reopened.close()
    }
  })
})
