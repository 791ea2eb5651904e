import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { loadConfig } from '../../server/config.ts'
import { ConfigError } from '../../server/errors.ts'

const PRODUCTION = {
  NODE_ENV: 'production', OIDC_ISSUER: 'https://login.example.com', OIDC_CLIENT_SECRET: 'client-secret-value',
  SESSION_SECRET: 'x'.repeat(32), PUBLIC_URL: 'https://chat.example.com',
}
const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env)
    return []
  } catch (err) {
    assert.ok(err instanceof ConfigError)
    return err.problems
  }
}

describe('key provider and retention configuration', () => {
  it('when nothing is set, then the local provider and the documented retention defaults apply', () => {
    const c = loadConfig({})
    assert.deepEqual(c.kms, { provider: 'local', masterKey: undefined, pkcs11: undefined, cacheTtlSeconds: 300 })
    assert.deepEqual(c.retention, {
      defaultDays: { public: 90, internal: 90, confidential: 30, restricted: 7 }, purgeSchedule: '0 * * * *', purgeBatchSize: 500,
    })
  })

  it('when production runs the local provider, then it is refused unless explicitly allowed', () => {
    assert.ok(problemsOf(PRODUCTION).some((p) => /^KMS_PROVIDER: the local key provider is refused in production; set KMS_PROVIDER=pkcs11/.test(p)))
    assert.deepEqual(problemsOf({ ...PRODUCTION, ALLOW_LOCAL_KMS_IN_PRODUCTION: 'true' }).filter((p) => p.startsWith('KMS')), [])
    const hsm = { ...PRODUCTION, KMS_PROVIDER: 'pkcs11', PKCS11_LIBRARY: '/usr/lib/softhsm/libsofthsm2.so', PKCS11_TOKEN_LABEL: 't', PKCS11_PIN: '1' }
    assert.deepEqual(problemsOf(hsm).filter((p) => /KMS|PKCS11/.test(p)), [])
    const { NODE_ENV: _production, ...development } = hsm
    assert.deepEqual(loadConfig(development).kms.pkcs11, { libraryPath: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 't', pin: '1', keyLabel: 'strongroom-root' })
  })

  it('when pkcs11 lacks its settings, or retention values are invalid, then every problem is listed', () => {
    const missing = problemsOf({ KMS_PROVIDER: 'pkcs11' }).join('\n')
    for (const name of ['PKCS11_LIBRARY', 'PKCS11_TOKEN_LABEL', 'PKCS11_PIN']) assert.match(missing, new RegExp(`${name}: required`))
    const invalid = problemsOf({
      PURGE_SCHEDULE: 'every hour', PURGE_BATCH_SIZE: '0', RETENTION_DEFAULT_DAYS_RESTRICTED: '0', KEY_CACHE_TTL_SECONDS: '0',
    }).join('\n')
    for (const name of ['PURGE_SCHEDULE', 'PURGE_BATCH_SIZE', 'RETENTION_DEFAULT_DAYS_RESTRICTED', 'KEY_CACHE_TTL_SECONDS']) {
      assert.match(invalid, new RegExp(name))
    }
  })

  it('when retention and schedule are set, then they are parsed', () => {
    const c = loadConfig({ RETENTION_DEFAULT_DAYS_PUBLIC: '365', PURGE_SCHEDULE: '*/15 * * * *', PURGE_BATCH_SIZE: '50', KEY_CACHE_TTL_SECONDS: '60' })
    assert.equal(c.retention.defaultDays.public, 365)
    assert.equal(c.retention.purgeSchedule, '*/15 * * * *')
    assert.equal(c.retention.purgeBatchSize, 50)
    assert.equal(c.kms.cacheTtlSeconds, 60)
  })
})
