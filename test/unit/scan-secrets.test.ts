import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { describe, it } from 'node:test'
import { base64Threshold, findHighEntropy, shannonEntropy, wordiness } from '../../server/scan/entropy.ts'
import { findSecrets } from '../../server/scan/secrets.ts'

/**
 * Fake credentials are derived from hashes at run time and assembled from pieces, so this file holds nothing a
 * repository secret scanner would take for a real key.
 */
const digest = (seed: string, enc: 'hex' | 'base64' = 'base64') => createHash('sha512').update(seed).digest(enc)
const alnum = (seed: string, n: number) => digest(seed).replace(/[^A-Za-z0-9]/g, '').slice(0, n)
const GITHUB = 'gh' + 'p_' + alnum('github', 36)
const SLACK = ['xox' + 'b', '1234567890' + '12', '1234567890' + '123', alnum('slack', 24)].join('-')
const AWS_ID = 'AK' + 'IA' + digest('aws-id', 'hex').slice(0, 16).toUpperCase()
const AWS_SECRET = alnum('aws-secret', 40)
const RANDOM_KEY = alnum('random-key', 32)

const found = async (text: string) => (await findSecrets(text)).map((f) => `${f.type}:${text.slice(f.start, f.end)}`)
const types = async (text: string) => (await findSecrets(text)).map((f) => f.type)

describe('findSecrets', () => {
  it('when text holds tokens in known vendor formats, then secretlint rules report them by type', async () => {
    assert.deepEqual(await found(`token: "${GITHUB}"`), [`GITHUB_TOKEN:${GITHUB}`])
    assert.ok((await types(`SLACK=${SLACK}`)).includes('SLACK_TOKEN'))
    assert.ok((await types(`id ${AWS_ID} here`)).includes('AWS_ACCESS_KEY'))
    const db = 'postgres://app:' + 'S3cr' + 'etPw9x@db.internal:5432/main'
    assert.ok((await types(`DATABASE_URL=${db}`)).includes('DATABASE_CONNECTION_STRING'))
  })

  it('when an AWS secret key is assigned, then the finding covers the whole 40-character value', async () => {
    const text = `aws_secret_access_key = ${AWS_SECRET}\n`
    const start = text.indexOf(AWS_SECRET)
    const aws = (await findSecrets(text)).find((f) => f.type === 'AWS_SECRET_KEY')
    assert.deepEqual(aws, { type: 'AWS_SECRET_KEY', start, end: start + 40 })
  })

  it('when the scanned text contains a secretlint-disable comment, then secrets are still reported', async () => {
    const text = `// secretlint-disable\nconst t = "${GITHUB}"\n`
    assert.ok((await types(text)).includes('GITHUB_TOKEN'))
  })

  it('when a private key block appears, whole or cut off by chunking, then it is one PRIVATE_KEY finding', async () => {
    const body = [digest('k1'), digest('k2'), digest('k3')].join('\n')
    const block = `-----BEGIN RSA PRIV${"ATE"} KEY-----\n${body}\n-----END RSA PRIV${"ATE"} KEY-----`
    assert.deepEqual(await found(`key:\n${block}\nafter`), [`PRIVATE_KEY:${block}`])
    const cut = `-----BEGIN OPENSSH PRIV${"ATE"} KEY-----\n${body}`
    assert.deepEqual(await found(`${cut}\n`), [`PRIVATE_KEY:${cut}`])
  })

  it('when credentials are assigned in env, ini, yaml, json and xml syntax, then only the value is found', async () => {
    const pw = 'Tr0ub4dor' + '&3xq'
    assert.deepEqual(await found(`DB_PASSWORD=${pw}`), [`PASSWORD_ASSIGNMENT:${pw}`])
    assert.deepEqual(await found(`[db]\npassword = ${pw}\n`), [`PASSWORD_ASSIGNMENT:${pw}`])
    assert.deepEqual(await found(`db:\n  password: ${pw} # prod\n`), [`PASSWORD_ASSIGNMENT:${pw}`])
    assert.deepEqual(await found(`{"client_secret": "${pw}"}`), [`SECRET_ASSIGNMENT:${pw}`])
    assert.deepEqual(await found(`<apiKey>${pw}</apiKey>`), [`SECRET_ASSIGNMENT:${pw}`])
  })

  it('when credential words appear in prose, placeholders or metadata keys, then nothing is reported', async () => {
    const benign = [
      'Password: reset it via the self-service portal.',
      'Secretary: John Smith',
      'max_tokens: 4096',
      'token_url: https://auth.example.com/token',
      'password_min_length = 12',
      'password = os.getenv("DB_PASSWORD")',
      'password: ${DB_PASSWORD}',
      'api_key = "<your-api-key>"',
      'secret: changeme',
      'password = config.database.password',
    ]
    for (const line of benign) assert.deepEqual(await found(line), [], line)
  })

  it('when a JWT or an Authorization header appears, then it is reported', async () => {
    const jwt = ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', alnum('sig', 43)].join('.')
    assert.ok((await types(`token ${jwt}`)).includes('JWT'))
    const header = `Authorization: Bearer ${RANDOM_KEY}`
    assert.ok((await types(header)).includes('AUTHORIZATION_HEADER'))
  })

  it('when an unlabelled random token appears, then it is HIGH_ENTROPY', async () => {
    assert.deepEqual(await found(`use ${RANDOM_KEY} for the upload`), [`HIGH_ENTROPY:${RANDOM_KEY}`])
    const a36 = 'abcdefghijklmnopqrstuvwxyz0123456789'
    const singleCase = Array.from(createHash('sha512').update('single').digest().subarray(0, 32), (b) => a36[b % 36]).join('')
    assert.ok(findHighEntropy(`value ${singleCase}`).length === 1, singleCase)
  })

  it('when long tokens are identifiers, paths, UUIDs, named digests or data URIs, then they are not HIGH_ENTROPY', () => {
    const benign = [
      'call getUserAccountInformationById and ConvertToBase64String2Url',
      'see /usr/local/lib/node_modules/typescript/lib/typescript.js',
      'id 203db13e-70c7-462b-9a3d-bf32640cb0be',
      'sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'commit 9fceb02d0ae598e95dc970b74767f19372d61af8',
      'img data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      'MAX_RETRIES_BEFORE_FAILOVER_10 and HTTP_PROXY_AUTHORIZATION_HEADER2',
    ]
    for (const line of benign) assert.deepEqual(findHighEntropy(line), [], line)
  })

  it('when entropy is computed, then it matches Shannon and the thresholds grow with length', () => {
    assert.equal(shannonEntropy('aaaa'), 0)
    assert.equal(shannonEntropy('abcd'), 2)
    assert.ok(base64Threshold(20) < base64Threshold(40))
    assert.ok(wordiness('getUserAccountById') > 0.7)
    assert.ok(wordiness(RANDOM_KEY) < 0.4)
  })

  it('when many texts are scanned, then secretlint leaves no performance marks behind', async () => {
    const before = performance.getEntriesByType('mark').length
    for (let k = 0; k < 20; k++) await findSecrets(`line ${k} token ${GITHUB}`)
    await new Promise((resolve) => setImmediate(resolve))
    assert.equal(performance.getEntriesByType('mark').length, before)
  })
})
