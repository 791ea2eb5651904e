import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import request from 'supertest'
import { findDemoUser } from '../../server/auth/demo-users.ts'
import { totpFor } from '../../server/auth/dev-idp/credentials.ts'
import { Browser, formOf } from '../helpers/browser.ts'
import { startTestServer, type TestServer } from '../helpers/test-server.ts'

/**
 * Sends a unique canary through every client-controlled channel (query strings, paths, JSON and form bodies, headers,
 * bearer tokens, cookies, a failing IdP login) and then reads every log line the whole application wrote at debug
 * level: none may contain the canary, a real access token or a session cookie.
 */
describe('logs never carry client-supplied content or credentials', () => {
  let s: TestServer
  const canary = `CANARY${randomBytes(8).toString('hex')}`
  const secrets: string[] = []

  before(async () => {
    s = await startTestServer()
  })
  after(() => s.close())

  it('when a canary is sent through every input channel, then no log line contains it, a token or a cookie', async () => {
    const alice = await s.token('alice')
    const admin = await s.token('carol', { mfa: true })
    secrets.push(alice, admin, alice.split('.')[2] as string, admin.split('.')[2] as string)
    const as = (token: string) => ({ authorization: `Bearer ${token}` })

    // Query strings, paths and headers on routes that succeed, fail and do not exist.
    await request(s.app).get(`/api/me?q=${canary}&canary=${canary}`).set(as(alice)).expect(200)
    await request(s.app).get(`/api/search?q=${canary}`).set(as(alice))
    await request(s.app).get(`/api/admin/documents/${canary}`).set(as(admin))
    await request(s.app).delete(`/api/admin/documents/${canary}`).set(as(admin))
    await request(s.app).get(`/${canary}/x?${canary}=1`).expect(404)
    await request(s.app).get('/api/me').set({
      ...as(alice), 'user-agent': canary, referer: `https://${canary}.example/`, 'x-forwarded-for': canary,
      'x-request-id': `${canary}-id`, origin: `https://${canary}.example`, 'x-canary': canary,
    }).expect(200)

    // JSON bodies: accepted, malformed, wrong type, too large, wrong method.
    await request(s.app).post('/auth/logout').set(as(alice)).send({ note: canary }).expect(200)
    await request(s.app).post('/auth/logout').set(as(alice)).type('json').send(`{"note":"${canary}`).expect(400)
    await request(s.app).post('/auth/logout').set(as(alice)).type('text').send(canary).expect(415)
    await request(s.app).post('/auth/logout').set(as(alice)).send({ note: canary.repeat(200) }).expect(413)
    await request(s.app).put('/api/me').set(as(alice)).send({ note: canary }).expect(405)

    // Credentials that are wrong in every way.
    await request(s.app).get('/api/me').set('authorization', `Bearer ${canary}`).expect(401)
    await request(s.app).get('/api/me').set('authorization', `Bearer eyJhbGciOiJSUzI1NiJ9.${canary}.${canary}`).expect(401)
    await request(s.app).get('/api/me').set('authorization', `Basic ${Buffer.from(`${canary}:${canary}`).toString('base64')}`).expect(401)
    await request(s.app).get('/api/me').set('authorization', canary).expect(401)
    await request(s.app).get('/api/me').set('cookie', `strongroom_session=${canary}; strongroom_login=${canary}`).expect(401)
    await request(s.app).get('/api/me').set('cookie', `strongroom_session=acme.${canary}`).expect(401)
    await request(s.app).get(`/auth/callback?code=${canary}&state=${canary}&iss=${canary}`)
      .set('cookie', `strongroom_login=${canary}`).expect(401)

    // A real IdP login that fails at the password, then at the TOTP code, then succeeds.
    const browser = new Browser()
    const stop = `${s.origin}/__never`
    const page = await browser.follow(`${s.origin}/auth/login?returnTo=/api/me&x=${canary}`, stop)
    let form = formOf(await page.res.text(), /\/login$/)
    const bad = await browser.follow(new URL(form.action, s.origin).href, stop, { csrf: form.csrf, username: canary, password: canary })
    assert.equal(bad.res.status, 401)
    form = formOf(await bad.res.text(), /\/login$/)
    const alicePassword = findDemoUser('alice')!.password
    const otp = await browser.follow(new URL(form.action, s.origin).href, stop, { csrf: form.csrf, username: 'alice', password: alicePassword })
    form = formOf(await otp.res.text(), /\/otp$/)
    const badOtp = await browser.follow(new URL(form.action, s.origin).href, stop, { csrf: form.csrf, code: canary })
    assert.equal(badOtp.res.status, 401)
    form = formOf(await badOtp.res.text(), /\/otp$/)
    const done = await browser.follow(new URL(form.action, s.origin).href, stop, { csrf: form.csrf, code: totpFor(findDemoUser('alice')!).generate() })
    assert.equal(done.res.status, 200)
    const session = browser.cookieValue('strongroom_session')
    assert.ok(session)
    secrets.push(session, session.split('.').at(-1) as string, alicePassword)
    const { csrfToken } = (await done.res.json()) as { csrfToken: string }
    secrets.push(csrfToken)
    await request(s.app).post('/auth/logout').set('cookie', `strongroom_session=${session}`).set('x-csrf-token', csrfToken)
      .send({ note: canary }).expect(200)

    const lines = s.logLines
    const requestLines = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'request')
    assert.ok(requestLines.length >= 30, `expected the access log to record the scenario, got ${requestLines.length}`)
    assert.ok(requestLines.some((l) => l.route === '/api/me' && l.status === 200))
    assert.ok(requestLines.some((l) => l.route === '/oidc/interaction/:uid/login' && l.status === 401))
    for (const l of requestLines) assert.match(String(l.route), /^(unmatched|[A-Za-z0-9/:_.-]+)$/)
    for (const line of lines) {
      assert.ok(!line.toLowerCase().includes(canary.toLowerCase()), `canary in log line: ${line.slice(0, 300)}`)
      for (const secret of secrets) assert.ok(!line.includes(secret), `credential in log line: ${line.slice(0, 120)}`)
      assert.doesNotMatch(line, /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./, 'a JWT in a log line')
    }
  })
})
