import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import express from 'express'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import * as client from 'openid-client'
import { DEV_IDP_CLAIM_NAMES, findDemoUser } from '../../server/auth/demo-users.ts'
import { totpFor } from '../../server/auth/dev-idp/credentials.ts'
import { createDevIdp, type DevIdp } from '../../server/auth/dev-idp/index.ts'
import { mintDevAccessToken } from '../../server/auth/mint-dev-token.ts'
import { hasFreshMfa, principalFromClaims } from '../../server/auth/principal.ts'
import { createTokenVerifier } from '../../server/auth/verify-token.ts'
import { Browser, formOf } from '../helpers/browser.ts'

describe('dev IdP (oidc-provider) on a real HTTP server', () => {
  let server: ReturnType<express.Express['listen']>
  let dataDir: string
  let origin: string
  let issuer: string
  let idp: DevIdp
  let rp: client.Configuration
  const redirectUri = () => `${origin}/cb`

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'dev-idp-'))
    const app = express()
    server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    issuer = `${origin}/oidc`
    idp = await createDevIdp({
      issuer,
      dataDir,
      apiAudience: 'strongroom-api',
      cookieKeys: ['test-cookie-key-0123456789abcdefghijklmnop'],
      clients: [{ clientId: 'web', redirectUris: [`${origin}/cb`], postLogoutRedirectUris: [`${origin}/bye`] }],
    })
    app.use(idp.mountPath, idp.router)
    rp = await client.discovery(new URL(issuer), 'web', undefined, client.None(), { execute: [client.allowInsecureRequests] })
  })

  after(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await rm(dataDir, { recursive: true, force: true })
  })

  async function startLogin(browser: Browser) {
    const pkceCodeVerifier = client.randomPKCECodeVerifier()
    const state = client.randomState()
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: redirectUri(), scope: 'openid profile', state,
      code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier), code_challenge_method: 'S256',
    })
    const { url: pageUrl, res } = await browser.follow(url.href, redirectUri())
    assert.equal(res.status, 200)
    assert.match(pageUrl, /\/oidc\/interaction\/[\w-]+$/)
    return { pkceCodeVerifier, state, pageUrl, html: await res.text() }
  }

  async function submitPassword(browser: Browser, html: string, username: string, password: string) {
    const form = formOf(html, /\/login$/)
    return browser.follow(new URL(form.action, origin).href, redirectUri(), { csrf: form.csrf, username, password })
  }

  async function signIn(username: string) {
    const user = findDemoUser(username)!
    const browser = new Browser()
    const login = await startLogin(browser)
    const otpPage = await submitPassword(browser, login.html, username, user.password)
    const otpHtml = await otpPage.res.text()
    const form = formOf(otpHtml, /\/otp$/)
    const done = await browser.follow(new URL(form.action, origin).href, redirectUri(), { csrf: form.csrf, code: totpFor(user).generate() })
    assert.ok(done.url.startsWith(redirectUri()), `expected a redirect to the RP, got ${done.url}`)
    const tokens = await client.authorizationCodeGrant(rp, new URL(done.url), {
      pkceCodeVerifier: login.pkceCodeVerifier, expectedState: login.state,
    })
    return { tokens, browser }
  }

  const verifier = () => createTokenVerifier({
    issuer, audience: 'strongroom-api', jwks: idp.publicJwks, algorithms: ['RS256'], clockToleranceSeconds: 30, requiredTyp: 'at+jwt',
  })

  it('when discovery is fetched, then it advertises the issuer, S256 PKCE and the end_session endpoint', async () => {
    const res = await fetch(idp.discoveryUrl)
    assert.equal(res.status, 200)
    const meta = await res.json() as Record<string, unknown>
    assert.equal(meta.issuer, issuer)
    assert.deepEqual(meta.code_challenge_methods_supported, ['S256'])
    assert.equal(meta.end_session_endpoint, `${issuer}/session/end`)
    assert.deepEqual(meta.response_types_supported, ['code'])
  })

  it('when alice signs in with password and TOTP, then her JWT access token verifies and maps to her attributes', async () => {
    const { tokens, browser } = await signIn('alice')
    assert.equal(decodeProtectedHeader(tokens.access_token).typ, 'at+jwt')
    const claims = await verifier().verify(tokens.access_token)
    assert.equal(claims.client_id, 'web')
    assert.equal(claims.scope, 'openid profile')
    const minted = await mintDevAccessToken({ dataDir, issuer, audience: 'strongroom-api', username: 'alice', mfa: true })
    assert.deepEqual(decodeProtectedHeader(minted), decodeProtectedHeader(tokens.access_token))
    assert.deepEqual(Object.keys(decodeJwt(minted)).sort(), Object.keys(claims).sort())
    const principal = principalFromClaims(claims, DEV_IDP_CLAIM_NAMES)
    assert.deepEqual({ ...principal, authTime: null }, {
      userId: 'alice', tenantId: 'acme', clearance: 'confidential', departments: ['engineering'], groups: ['eng-all'],
      roles: ['employee'], authTime: null, amr: ['pwd', 'otp'],
    })
    assert.ok(Math.abs(principal.authTime! - Date.now() / 1000) < 60)
    assert.equal(hasFreshMfa(principal, 300), true)

    const idClaims = tokens.claims()!
    assert.deepEqual(idClaims.amr, ['pwd', 'otp'])
    assert.equal(typeof idClaims.auth_time, 'number')
    assert.equal(idClaims.tenant, 'acme')

    const remote = createTokenVerifier({
      issuer, audience: 'strongroom-api', jwks: new URL(`${issuer}/jwks`), algorithms: ['RS256'], clockToleranceSeconds: 30, requiredTyp: 'at+jwt',
    })
    assert.equal((await remote.verify(tokens.access_token)).sub, 'alice')

    const logoutUrl = client.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${origin}/bye` })
    const confirm = await browser.go(logoutUrl.href)
    assert.equal(confirm.status, 200)
    const html = await confirm.text()
    const action = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(html)![1]!
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!
    const out = await browser.follow(new URL(action, origin).href, `${origin}/bye`, { xsrf, logout: 'yes' })
    assert.ok(out.url.startsWith(`${origin}/bye`), out.url)
  })

  it('when dave signs in, then his principal is in tenant globex with admin role', async () => {
    const { tokens } = await signIn('dave')
    const principal = principalFromClaims(await verifier().verify(tokens.access_token), DEV_IDP_CLAIM_NAMES)
    assert.equal(principal.userId, 'dave')
    assert.equal(principal.tenantId, 'globex')
    assert.equal(principal.clearance, 'confidential')
    assert.deepEqual(principal.roles, ['employee', 'admin'])
    assert.deepEqual(principal.amr, ['pwd', 'otp'])
  })

  it('when a signed-in user is sent back, then SSO issues a code, but prompt=login asks for credentials again', async () => {
    const { browser } = await signIn('bob')
    const authorize = async (extra: Record<string, string>) => {
      const verifier = client.randomPKCECodeVerifier()
      const url = client.buildAuthorizationUrl(rp, {
        redirect_uri: redirectUri(), scope: 'openid profile', state: client.randomState(), ...extra,
        code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      })
      return (await browser.follow(url.href, redirectUri())).url
    }
    assert.ok(new URL(await authorize({})).searchParams.get('code'))
    assert.match(await authorize({ prompt: 'login' }), /\/oidc\/interaction\/[\w-]+$/)
  })

  it('when the password is wrong or the user unknown, then the same generic error is shown and no TOTP step follows', async () => {
    const browser = new Browser()
    const login = await startLogin(browser)
    const wrong = await submitPassword(browser, login.html, 'bob', 'not-bobs-password')
    const unknown = await submitPassword(browser, login.html, 'nobody', 'whatever')
    for (const attempt of [wrong, unknown]) {
      assert.equal(attempt.res.status, 401)
      const html = await attempt.res.text()
      assert.match(html, /Invalid username or password\./)
      assert.doesNotMatch(html, /name="code"/)
    }
  })

  it('when the TOTP code is wrong, then login is refused, and after five failures the RP receives access_denied', async () => {
    const user = findDemoUser('erin')!
    const browser = new Browser()
    const login = await startLogin(browser)
    const otpPage = await submitPassword(browser, login.html, 'erin', user.password)
    const form = formOf(await otpPage.res.text(), /\/otp$/)
    const good = totpFor(user).generate()
    const bad = String((Number(good) + 500_000) % 1_000_000).padStart(6, '0')
    for (let i = 1; i < 5; i++) {
      const r = await browser.follow(new URL(form.action, origin).href, redirectUri(), { csrf: form.csrf, code: bad })
      assert.equal(r.res.status, 401)
      assert.match(await r.res.text(), /Invalid verification code\./)
    }
    const last = await browser.follow(new URL(form.action, origin).href, redirectUri(), { csrf: form.csrf, code: bad })
    assert.ok(last.url.startsWith(redirectUri()))
    assert.equal(new URL(last.url).searchParams.get('error'), 'access_denied')
    assert.equal(new URL(last.url).searchParams.get('code'), null)
  })

  it('when the password step is done but the TOTP step skipped, then resuming the authorization yields no code', async () => {
    const browser = new Browser()
    const login = await startLogin(browser)
    await submitPassword(browser, login.html, 'carol', findDemoUser('carol')!.password)
    const uid = login.pageUrl.split('/').pop()!
    const resumed = await browser.follow(`${issuer}/auth/${uid}`, redirectUri())
    // The password-only state is not a login result: the IdP starts a fresh interaction at the password step.
    assert.match(resumed.url, /\/oidc\/interaction\/[\w-]+$/)
    assert.notEqual(resumed.url, login.pageUrl)
    assert.match(await resumed.res.text(), /name="password"/)
  })

  it('when a login form is posted without the CSRF token or without the interaction cookie, then it is rejected', async () => {
    const browser = new Browser()
    const login = await startLogin(browser)
    const form = formOf(login.html, /\/login$/)
    const carol = findDemoUser('carol')!
    const noToken = await browser.go(new URL(form.action, origin).href, { username: 'carol', password: carol.password })
    assert.equal(noToken.status, 403)
    const crossSite = await new Browser().go(new URL(form.action, origin).href, { csrf: form.csrf, username: 'carol', password: carol.password })
    assert.equal(crossSite.status, 400)
    assert.match(await crossSite.text(), /expired or is not valid/)
  })

  it('when user input is echoed back, then it is HTML-escaped and pages carry no inline script or style', async () => {
    const browser = new Browser()
    const login = await startLogin(browser)
    const r = await submitPassword(browser, login.html, '"><script>alert(1)</script>', 'x')
    const html = await r.res.text()
    assert.doesNotMatch(html, /<script/i)
    assert.match(html, /&quot;&gt;&lt;script&gt;/)
    for (const page of [html, login.html]) assert.doesNotMatch(page, /<style|style=/i)
    assert.match(r.res.headers.get('content-security-policy') ?? '', /default-src 'none'/)
  })

  it('when an authorization request has no PKCE challenge, then the IdP refuses it', async () => {
    const url = client.buildAuthorizationUrl(rp, { redirect_uri: redirectUri(), scope: 'openid profile', state: client.randomState() })
    const { url: landed } = await new Browser().follow(url.href, redirectUri())
    assert.equal(new URL(landed).searchParams.get('error'), 'invalid_request')
  })
})

describe('dev IdP behind a TLS-terminating proxy', () => {
  it('when trustProxy is set, then forwarded https URLs and Secure cookies are used', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'dev-idp-proxy-'))
    const app = express()
    const server = app.listen(0, '127.0.0.1')
    try {
      await new Promise((resolve) => server.once('listening', resolve))
      const idp = await createDevIdp({
        issuer: 'https://strongroom.example/oidc', dataDir, apiAudience: 'strongroom-api', trustProxy: true,
        cookieKeys: ['test-cookie-key-0123456789abcdefghijklmnop'],
        clients: [{ clientId: 'web', redirectUris: ['https://strongroom.example/cb'], postLogoutRedirectUris: [] }],
      })
      app.use(idp.mountPath, idp.router)
      const local = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'strongroom.example' }
      const meta = await (await fetch(`${local}/oidc/.well-known/openid-configuration`, { headers: forwarded })).json() as Record<string, string>
      assert.equal(meta.authorization_endpoint, 'https://strongroom.example/oidc/auth')
      const verifier = client.randomPKCECodeVerifier()
      const auth = new URL(`${local}/oidc/auth`)
      auth.search = new URLSearchParams({
        client_id: 'web', response_type: 'code', scope: 'openid profile', redirect_uri: 'https://strongroom.example/cb',
        code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      }).toString()
      const res = await fetch(auth, { headers: forwarded, redirect: 'manual' })
      assert.equal(res.status, 303)
      assert.match(res.headers.get('location') ?? '', /^\/oidc\/interaction\//)
      const cookies = res.headers.getSetCookie()
      assert.ok(cookies.length > 0)
      for (const c of cookies) assert.match(c, /; secure/i)
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
