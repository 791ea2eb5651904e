import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import request from 'supertest'
import { ACCESS_MATRIX } from '../../server/auth/access-matrix.ts'
import { findDemoUser } from '../../server/auth/demo-users.ts'
import { totpFor } from '../../server/auth/dev-idp/credentials.ts'
import { createSession, resolveSession } from '../../server/auth/session.service.ts'
import { withTenant } from '../../server/db/tx.ts'
import { Browser, formOf } from '../helpers/browser.ts'
import { startTestServer, type TestServer } from '../helpers/test-server.ts'

describe('identity through the whole application', () => {
  let s: TestServer
  before(async () => {
    s = await startTestServer()
  })
  after(() => s.close())

  /** Drives the real login: our /auth/login → embedded IdP password + TOTP pages → /auth/callback → returnTo. */
  async function browserLogin(username: string, browser = new Browser()) {
    const user = findDemoUser(username)!
    const stop = `${s.origin}/__never`
    const page = await browser.follow(`${s.origin}/auth/login?returnTo=/api/me`, stop)
    const loginForm = formOf(await page.res.text(), /\/login$/)
    const otp = await browser.follow(new URL(loginForm.action, s.origin).href, stop, {
      csrf: loginForm.csrf, username, password: user.password,
    })
    const otpForm = formOf(await otp.res.text(), /\/otp$/)
    const done = await browser.follow(new URL(otpForm.action, s.origin).href, stop, {
      csrf: otpForm.csrf, code: totpFor(user).generate(),
    })
    return { browser, final: done }
  }

  it('when alice logs in through the embedded IdP, then her session shows her attributes and the login is audited', async () => {
    const { final } = await browserLogin('alice')
    assert.equal(final.url, `${s.origin}/api/me`)
    assert.equal(final.res.status, 200)
    const me = await final.res.json()
    assert.equal(me.userId, 'alice')
    assert.equal(me.tenantId, 'acme')
    assert.equal(me.authMethod, 'session')
    assert.deepEqual(me.amr, ['pwd', 'otp'])
    assert.equal(me.mfaFresh, true)
    assert.ok(me.csrfToken)
    const events = await withTenant(s.db, 'acme', 'app', (tx) =>
      tx.query(`SELECT type, actor, outcome FROM audit_log WHERE type = 'auth.login'`))
    assert.deepEqual(events.rows, [{ type: 'auth.login', actor: 'alice', outcome: 'success' }])
  })

  it('when logging out, then CSRF is required and afterwards the session no longer works', async () => {
    const { browser, final } = await browserLogin('bob')
    const { csrfToken } = await final.res.json()
    const refused = await browser.go(`${s.origin}/auth/logout`, {})
    assert.equal(refused.status, 403)
    assert.equal((await refused.json()).error.code, 'csrf_token_invalid')
    const cookie = (await browser.go(`${s.origin}/api/me`)).status
    assert.equal(cookie, 200)
    const res = await request(s.app)
      .post('/auth/logout')
      .set('cookie', browser.cookieHeader(s.origin))
      .set('x-csrf-token', csrfToken)
      .expect(200)
    assert.equal(res.body.loggedOut, true)
    assert.match(res.body.logoutUrl, /\/oidc\/session\/end\?/)
    assert.equal((await browser.go(`${s.origin}/api/me`)).status, 401)
  })

  it('when a cross-origin request carries the session cookie and a valid CSRF token, then Origin is still checked', async () => {
    const { browser, final } = await browserLogin('carol')
    const { csrfToken } = await final.res.json()
    const res = await request(s.app)
      .post('/auth/logout')
      .set('cookie', browser.cookieHeader(s.origin))
      .set('x-csrf-token', csrfToken)
      .set('origin', 'https://evil.example')
      .expect(403)
    assert.equal(res.body.error.code, 'csrf_origin_invalid')
  })

  it('when an attacker plants a session cookie before login, then login issues a new one and the planted one is useless', async () => {
    const browser = new Browser()
    const planted = `acme.${'A'.repeat(43)}`
    browser.setCookie('strongroom_session', planted)
    // A different user from the other login tests: the IdP refuses a TOTP code that was already used.
    const { final } = await browserLogin('erin', browser)
    const after = browser.cookieValue('strongroom_session')
    assert.ok(after && after !== planted, `status ${final.res.status} ${final.url} ${after}`)
    await request(s.app).get('/api/me').set('cookie', `strongroom_session=${planted}`).expect(401)
  })

  it('when a session is idle past its limit or past its absolute lifetime, then it is ended', async () => {
    const principal = { userId: 'erin', tenantId: 'acme', clearance: 'internal' as const, departments: [], groups: [], roles: ['auditor' as const], authTime: null, amr: [] }
    const settings = { secret: Buffer.alloc(32, 1), idleMinutes: 30, absoluteHours: 8 }
    const now = new Date()
    const a = await createSession(s.db, principal, settings, now)
    assert.ok(await resolveSession(s.db, a.cookieValue, settings, new Date(now.getTime() + 29 * 60_000)))
    assert.deepEqual(await resolveSession(s.db, a.cookieValue, settings, new Date(now.getTime() + 60 * 60_000)), { expired: true })
    assert.equal(await resolveSession(s.db, a.cookieValue, settings, now), undefined, 'an ended session stays ended')
    const b = await createSession(s.db, principal, settings, now)
    assert.deepEqual(await resolveSession(s.db, b.cookieValue, settings, new Date(now.getTime() + 9 * 3_600_000)), { expired: true })
  })

  it('when headers or query parameters claim other attributes, then the token’s attributes are used', async () => {
    const res = await request(s.app)
      .get('/api/me?tenantId=globex&clearance=restricted&roles=admin')
      .set('authorization', `Bearer ${await s.token('mallory')}`)
      .set('x-tenant-id', 'globex')
      .set('x-clearance', 'restricted')
      .set('x-forwarded-user', 'carol')
      .expect(200)
    assert.equal(res.body.userId, 'mallory')
    assert.equal(res.body.tenantId, 'acme')
    assert.equal(res.body.clearance, 'public')
    assert.deepEqual(res.body.roles, ['employee'])
  })

  for (const [name, header, code] of [
    ['a garbage token', 'Bearer not-a-jwt', 'token_malformed'],
    ['a Basic credential', 'Basic YWxpY2U6cHc=', 'token_malformed'],
  ] as const) {
    it(`when the API receives ${name}, then 401 ${code}`, async () => {
      const res = await request(s.app).get('/api/me').set('authorization', header).expect(401)
      assert.equal(res.body.error.code, code)
    })
  }

  it('when a token was issued for another audience, then 401 token_audience_invalid and the rejection is audited', async () => {
    const res = await request(s.app)
      .get('/api/me')
      .set('authorization', `Bearer ${await s.token('alice', { audience: 'some-other-api' })}`)
      .expect(401)
    assert.equal(res.body.error.code, 'token_audience_invalid')
    await new Promise((r) => setTimeout(r, 200))
    const rows = await withTenant(s.db, '_system', 'app', (tx) =>
      tx.query(`SELECT data->>'reason' AS reason FROM audit_log WHERE type = 'auth.token_rejected'`))
    assert.ok(rows.rows.some((r) => r.reason === 'token_audience_invalid'))
  })

  describe('authorization matrix', () => {
    const wrongUserFor = (roles: readonly string[]) => (roles.includes('employee') ? 'erin' : 'alice')
    for (const route of ACCESS_MATRIX.filter((r) => r.access !== 'public')) {
      const path = route.path.replace(/:\w+/g, '00000000-0000-4000-8000-000000000000')
      it(`when ${route.method} ${route.path} has no credentials, then 401`, async () => {
        const res = await request(s.app)[route.method.toLowerCase() as 'get'](path).expect(401)
        assert.equal(res.body.error.code, 'authentication_required')
      })
      if (route.access === 'authenticated') continue
      it(`when ${route.method} ${route.path} is called with a role outside ${(route.access as readonly string[]).join(', ')}, then 403`, async () => {
        const token = await s.token(wrongUserFor(route.access as readonly string[]), { mfa: true })
        const res = await request(s.app)[route.method.toLowerCase() as 'get'](path).set('authorization', `Bearer ${token}`).expect(403)
        assert.equal(res.body.error.code, 'forbidden_role')
      })
    }
  })

  describe('step-up', () => {
    it('when an admin without MFA calls an admin route, then 401 step_up_required', async () => {
      const res = await request(s.app).get('/api/admin/documents').set('authorization', `Bearer ${await s.token('carol')}`).expect(401)
      assert.equal(res.body.error.code, 'step_up_required')
    })
    it('when the admin’s MFA is older than the window, then 401 step_up_required', async () => {
      const old = Math.floor(Date.now() / 1000) - 3600
      const token = await s.token('carol', { mfa: true, authTime: old })
      const res = await request(s.app).get('/api/admin/documents').set('authorization', `Bearer ${token}`).expect(401)
      assert.equal(res.body.error.code, 'step_up_required')
    })
    it('when the admin has fresh MFA, then the guard lets the request through', async () => {
      const res = await request(s.app).get('/api/admin/documents').set('authorization', `Bearer ${await s.token('carol', { mfa: true })}`)
      assert.ok(![401, 403].includes(res.status), `status ${res.status}`)
    })
  })
})
