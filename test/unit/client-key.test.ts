import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { clientAddressKey } from '../../server/http/client-key.ts'

describe('client address key for per-address rate limits', () => {
  it('when the address is IPv4 or IPv4-mapped, then each address is its own key', () => {
    assert.equal(clientAddressKey('203.0.113.7'), '203.0.113.7')
    assert.equal(clientAddressKey('::ffff:203.0.113.7'), '203.0.113.7')
    assert.equal(clientAddressKey('::FFFF:127.0.0.1'), '127.0.0.1')
  })

  it('when addresses share an IPv6 /64, then they share one key whatever their spelling', () => {
    const key = '2001:db8:0:1::/64'
    assert.equal(clientAddressKey('2001:db8:0:1::1'), key)
    assert.equal(clientAddressKey('2001:0db8:0000:0001:ffff:ffff:ffff:ffff'), key)
    assert.equal(clientAddressKey('2001:DB8::1:0:0:0:5'), '2001:db8:0:1::/64')
    assert.equal(clientAddressKey('2001:db8:0:1::203.0.113.7'), key)
    assert.equal(clientAddressKey('fe80::1%eth0'), 'fe80:0:0:0::/64')
    assert.notEqual(clientAddressKey('2001:db8:0:2::1'), key)
  })

  it('when the address is missing or not an IP, then a single shared key is used', () => {
    assert.equal(clientAddressKey(undefined), 'unknown')
    assert.equal(clientAddressKey('not-an-ip'), 'unknown')
  })
})
