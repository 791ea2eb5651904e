import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import request from 'supertest'
import { ACCESS_MATRIX } from '../../server/auth/access-matrix.ts'
import { startTestServer, type TestServer } from '../helpers/test-server.ts'

const RUNS = Number(process.env.FUZZ_RUNS ?? 400)

const ascii = (max: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: max })
const segment = fc.oneof(
  fc.string({ maxLength: 40, unit: 'grapheme' }).map(encodeURIComponent),
  fc.constantFrom('..', '%2e%2e', '%2F', '%00', '%', '%zz', '%E0%A4%A', '%C0%AF', '..%2f..%2fetc%2fpasswd', '', '.', ';', 'ｅｖｉｌ'),
  fc.nat({ max: 3000 }).map((n) => 'a'.repeat(n)),
  fc.uuid(),
)
const knownPath = fc.constantFrom(...ACCESS_MATRIX.map((r) => r.path), '/healthz', '/readyz', '/metrics', '/api', '/auth', '/')
// Weighted towards the real routes, so most cases get past routing into the guard, the parsers and the handlers.
const path = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(knownPath, fc.uuid()).map(([p, id]) => p.replace(/:[a-z]+/g, id)) },
  { weight: 2, arbitrary: fc.tuple(knownPath, segment).map(([p, s]) => p.replace(/:[a-z]+/g, s)) },
  { weight: 1, arbitrary: fc.tuple(knownPath, segment).map(([p, s]) => `${p}/${s}`) },
  { weight: 1, arbitrary: fc.tuple(knownPath, fc.boolean()).map(([p, upper]) => (upper ? p.toUpperCase() : `${p}/`)) },
  { weight: 1, arbitrary: fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => `/api/${s.join('/')}`) },
  { weight: 1, arbitrary: fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join('/')}`) },
)
const query = fc.dictionary(
  fc.string({ maxLength: 12, unit: 'grapheme' }).map(encodeURIComponent),
  fc.oneof(fc.string({ maxLength: 60, unit: 'grapheme' }).map(encodeURIComponent), fc.constantFrom('%', '%zz', '1&1', 'a[b]=c')),
  { maxKeys: 6 },
)
const contentType = fc.option(fc.oneof(
  fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain',
    'application/x-www-form-urlencoded', 'multipart/form-data; boundary=zz', 'application/xml', 'application/*+json', ';;', 'json'),
  ascii(40),
))
const body = fc.option(fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.constantFrom('{', '{"a":', '[1,2', 'null', '"x"', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}'),
  fc.nat({ max: 200_000 }).map((n) => `{"pad":"${'x'.repeat(n)}"}`),
  ascii(500),
))

describe('property-based fuzzing of the public HTTP surface', () => {
  let s: TestServer
  let tokens: Record<string, string>
  before(async () => {
    s = await startTestServer({ RATE_LIMIT_API_PER_MINUTE: '1000000', RATE_LIMIT_LOGIN_PER_MINUTE: '1000000' })
    tokens = { employee: await s.token('alice'), admin: await s.token('carol', { mfa: true }), auditor: await s.token('erin') }
  })
  after(() => s.close())

  it('when random methods, paths, headers, bodies and queries arrive, then nothing answers 5xx and every 4xx is a JSON error code', { timeout: 120_000 }, async () => {
    const auth = fc.option(fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('employee', 'admin', 'auditor').map((who) => `Bearer ${tokens[who]}`) },
      fc.constantFrom('Bearer', 'Bearer ', 'bearer x', 'Basic Zm9vOmJhcg==', 'Bearer a.b.c', 'Bearer ....', 'Bearer ' + 'A'.repeat(6000)),
      fc.constantFrom('employee', 'admin').map((who) => `Bearer ${tokens[who]!.slice(0, -4)}AAAA`),
      ascii(80),
    ))
    const method = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('GET', 'POST', 'DELETE') },
      fc.constantFrom('PUT', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'SEARCH', 'PURGE'),
    )
    const extra = fc.record({
      cookie: fc.option(ascii(200)),
      origin: fc.option(fc.oneof(fc.constant('null'), fc.webUrl(), ascii(40))),
      'x-csrf-token': fc.option(ascii(60)),
      'x-request-id': fc.option(ascii(80)),
      accept: fc.option(fc.constantFrom('*/*', 'text/html', 'application/json', 'image/png')),
      'access-control-request-method': fc.option(fc.constantFrom('GET', 'POST', 'DELETE')),
    })

    await fc.assert(
      fc.asyncProperty(method, path, query, auth, contentType, body, extra, async (m, p, q, a, ct, b, headers) => {
        const qs = Object.entries(q).map(([k, v]) => `${k}=${v}`).join('&')
        let req = request(s.origin)[m.toLowerCase() as 'get'](qs ? `${p}?${qs}` : p)
        if (a !== null) req = req.set('authorization', a)
        for (const [k, v] of Object.entries(headers)) if (v !== null) req = req.set(k, v)
        if (ct !== null) req = req.set('content-type', ct)
        if (b !== null) req = req.send(b)
        const res = await req.redirects(0).ok(() => true)
        // /readyz alone may answer 503, by design, when the schema is behind the migrations on disk.
        const notReady = res.status === 503 && p === '/readyz' && res.body?.status === 'not_ready'
        assert.ok(res.status < 500 || notReady, `${m} ${p.slice(0, 200)} -> ${res.status} ${res.text?.slice(0, 200)}`)
        if (a === null || !a.startsWith('Bearer ey')) {
          // Without a real token no /api route may succeed, whatever the case, encoding or shape of the path.
          assert.ok(!(res.status < 300 && /api/i.test(decodeURIComponentSafe(p))), `unauthenticated ${m} ${p.slice(0, 120)} -> ${res.status}`)
        }
        if (res.status >= 400 && m !== 'HEAD') {
          assert.match(String(res.headers['content-type']), /^application\/json/, `${m} ${p.slice(0, 120)} -> ${res.status}`)
          assert.match(String(res.body?.error?.code), /^[a-z][a-z0-9_]*$/, `${m} ${p.slice(0, 120)} -> ${res.text.slice(0, 200)}`)
        }
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: 90_000, markInterruptAsFailure: false },
    )
    await request(s.origin).get('/healthz').expect(200)
    assert.ok(!s.logLines.some((l) => l.includes('"level":50')), 'an unhandled error was logged')
  })
})

function decodeURIComponentSafe(p: string): string {
  try {
    return decodeURIComponent(p)
  } catch {
    return p
  }
}
