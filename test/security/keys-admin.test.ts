import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import request from 'supertest'
import { openLocalKms } from '../../server/crypto/kms-local.ts'
import type { RootKeyProvider } from '../../server/crypto/kms.ts'
import { withTenant } from '../../server/db/tx.ts'
import { createKeyring, type Keyring } from '../../server/keys/keyring.ts'
import { keyRoutes } from '../../server/keys/keys.routes.ts'
import { appendMessages, getConversation, startConversation } from '../../server/transcripts/index.ts'
import { startTestServer, type TestServer } from '../helpers/test-server.ts'
import { exchange, principalOf } from '../helpers/transcript-fixtures.ts'

describe('transcript key status, rotation and re-encryption through the admin API', () => {
  let s: TestServer
  let provider: RootKeyProvider
  let keyring: Keyring
  let carol: string
  let dave: string
  const alice = principalOf('alice')
  let conversationId: string

  before(async () => {
    provider = await openLocalKms({ masterKey: randomBytes(32).toString('base64') })
    s = await startTestServer({}, (t) => {
      keyring = createKeyring({ db: t.db, provider, cacheTtlMs: 60_000 })
      return { routers: [keyRoutes({ db: t.db, keyring })] }
    })
    carol = `Bearer ${await s.token('carol', { mfa: true })}`
    dave = `Bearer ${await s.token('dave', { mfa: true })}`
    const deps = { db: s.db, keyring }
    ;({ conversationId } = await startConversation(deps, alice, 'travel'))
    await appendMessages(deps, alice, conversationId, exchange('Which class do I fly?', 'Economy under six hours.'))
    const dv = principalOf('dave')
    const other = await startConversation(deps, dv, 'globex')
    await appendMessages(deps, dv, other.conversationId, exchange('q', 'a'))
  })

  after(async () => {
    await s.close()
    keyring.close()
    await provider.close()
  })

  const auditOf = async (tenant: string, type: string) =>
    (await withTenant(s.db, tenant, 'app', (tx) => tx.query(`SELECT actor, data FROM audit_log WHERE type = $1 ORDER BY seq`, [type]))).rows

  it('when a non-admin, an admin without fresh MFA or nobody calls, then the routes refuse', async () => {
    const alice = `Bearer ${await s.token('alice', { mfa: true })}`
    const erin = `Bearer ${await s.token('erin', { mfa: true })}`
    const carolNoMfa = `Bearer ${await s.token('carol')}`
    for (const [method, path] of [['get', '/api/admin/keys'], ['post', '/api/admin/keys/rotate'], ['post', '/api/admin/keys/rewrap']] as const) {
      await request(s.app)[method](path).expect(401)
      for (const user of [alice, erin]) {
        assert.equal((await request(s.app)[method](path).set('authorization', user).expect(403)).body.error.code, 'forbidden_role')
      }
      assert.equal((await request(s.app)[method](path).set('authorization', carolNoMfa).expect(401)).body.error.code, 'step_up_required')
    }
    assert.deepEqual(await auditOf('acme', 'key.rotate'), [])
  })

  it('when carol asks for the key status, then she sees her tenant\'s versions and counts, no key material, and nothing of globex', async () => {
    const res = await request(s.app).get('/api/admin/keys').set('authorization', carol).expect(200)
    assert.equal(res.headers['cache-control'], 'no-store')
    assert.equal(res.body.tenantId, 'acme')
    assert.deepEqual(res.body.provider, { kind: 'local', keyId: provider.keyId })
    assert.equal(res.body.versions.length, 1)
    const [v1] = res.body.versions
    assert.deepEqual(Object.keys(v1).sort(), ['conversations', 'createdAt', 'destroyedAt', 'messages', 'retiredAt', 'rootKeyId', 'state', 'version'])
    assert.deepEqual([v1.version, v1.state, v1.messages, v1.conversations], [1, 'active', 2, 1])
    assert.doesNotMatch(JSON.stringify(res.body), /wrapped|globex/i)

    const globex = await request(s.app).get('/api/admin/keys').set('authorization', dave).expect(200)
    assert.equal(globex.body.tenantId, 'globex')
    assert.deepEqual(globex.body.versions.map((v: { messages: number }) => v.messages), [2])
  })

  it('when carol rotates and then re-encrypts, then acme moves to v2 with its data readable, audited under her id, and globex is untouched', async () => {
    const rotated = await request(s.app).post('/api/admin/keys/rotate').set('authorization', carol).expect(200)
    assert.deepEqual(rotated.body, { fromVersion: 1, toVersion: 2 })
    const mid = await request(s.app).get('/api/admin/keys').set('authorization', carol).expect(200)
    assert.deepEqual(mid.body.versions.map((v: { version: number; state: string; messages: number }) => [v.version, v.state, v.messages]),
      [[1, 'retired', 2], [2, 'active', 0]])

    const rewrapped = await request(s.app).post('/api/admin/keys/rewrap').set('authorization', carol).expect(200)
    assert.deepEqual(rewrapped.body, { toVersion: 2, messages: 2, conversations: 1, batches: 1, complete: true })
    const done = await request(s.app).get('/api/admin/keys').set('authorization', carol).expect(200)
    assert.deepEqual(done.body.versions.map((v: { version: number; messages: number; conversations: number }) => [v.version, v.messages, v.conversations]),
      [[1, 0, 0], [2, 2, 1]])
    const conversation = await getConversation({ db: s.db, keyring }, alice, conversationId)
    assert.equal(conversation?.messages[1]?.text, 'Economy under six hours.')

    assert.deepEqual(await auditOf('acme', 'key.rotate'), [{ actor: 'carol', data: { fromVersion: 1, toVersion: 2 } }])
    assert.equal((await auditOf('acme', 'key.rewrap'))[0]?.actor, 'carol')
    const globex = await request(s.app).get('/api/admin/keys').set('authorization', dave).expect(200)
    assert.deepEqual(globex.body.versions.map((v: { version: number; state: string }) => [v.version, v.state]), [[1, 'active']])
  })

  it('when a request names a tenant in its body or query, then it is refused with 400 before anything changes', async () => {
    for (const path of ['/api/admin/keys/rotate', '/api/admin/keys/rewrap']) {
      const res = await request(s.app).post(path).set('authorization', carol).send({ tenantId: 'globex' }).expect(400)
      assert.equal(res.body.error.code, 'invalid_request')
      await request(s.app).post(`${path}?tenant=globex`).set('authorization', carol).expect(400)
    }
    await request(s.app).get('/api/admin/keys?tenant=globex').set('authorization', carol).expect(400)
    const globex = await request(s.app).get('/api/admin/keys').set('authorization', dave).expect(200)
    assert.equal(globex.body.versions.length, 1)
  })
})
