import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { findDemoUser } from '../../server/auth/demo-users.ts'
import { createTotpVerifier, totpFor, verifyPassword } from '../../server/auth/dev-idp/credentials.ts'
import { escapeHtml } from '../../server/auth/dev-idp/pages.ts'

const alice = findDemoUser('alice')!

describe('dev IdP credentials', () => {
  it('when username and password match, then the user is returned; otherwise undefined', () => {
    assert.equal(verifyPassword('alice', 'alice-dev-password')?.username, 'alice')
    assert.equal(verifyPassword('alice', 'bob-dev-password'), undefined)
    assert.equal(verifyPassword('nobody', 'alice-dev-password'), undefined)
    assert.equal(verifyPassword('alice', ''), undefined)
  })

  it('when a TOTP code is from the current step or one step either side, then it is accepted', () => {
    const t = Date.UTC(2030, 0, 1, 12, 0, 15)
    for (const offset of [-30_000, 0, 30_000]) {
      const verify = createTotpVerifier()
      assert.equal(verify(alice, totpFor(alice).generate({ timestamp: t + offset }), t), true, `offset ${offset}`)
    }
  })

  it('when a TOTP code is two steps away, malformed or for another user, then it is refused', () => {
    const t = Date.UTC(2030, 0, 1, 12, 0, 15)
    const verify = createTotpVerifier()
    assert.equal(verify(alice, totpFor(alice).generate({ timestamp: t - 60_000 }), t), false)
    assert.equal(verify(alice, totpFor(alice).generate({ timestamp: t + 60_000 }), t), false)
    assert.equal(verify(alice, totpFor(findDemoUser('bob')!).generate({ timestamp: t }), t), false)
    assert.equal(verify(alice, '12345', t), false)
    assert.equal(verify(alice, 'abcdef', t), false)
  })

  it('when an accepted TOTP code is replayed, or an older one follows it, then it is refused', () => {
    const t = Date.UTC(2030, 0, 1, 12, 0, 15)
    const verify = createTotpVerifier()
    const code = totpFor(alice).generate({ timestamp: t })
    assert.equal(verify(alice, code, t), true)
    assert.equal(verify(alice, code, t + 1000), false)
    assert.equal(verify(alice, totpFor(alice).generate({ timestamp: t - 30_000 }), t), false)
    assert.equal(verify(alice, totpFor(alice).generate({ timestamp: t + 30_000 }), t + 30_000), true)
  })
})

describe('escapeHtml', () => {
  it('when text has HTML metacharacters, then all five are escaped', () => {
    assert.equal(escapeHtml(`<a href="x" onclick='y'>&</a>`), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;')
  })
})
