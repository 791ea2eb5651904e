import net from 'node:net'

/**
 * The unit an unauthenticated client is limited by. IPv4 addresses count one by one (IPv4-mapped IPv6 included); an
 * IPv6 address counts by its /64, since a single subscriber is normally given a whole /64 and could otherwise
 * rotate through addresses to reset its limit. `req.ip` already honours TRUST_PROXY.
 */
export function clientAddressKey(ip: string | undefined): string {
  if (ip === undefined) return 'unknown'
  const address = ip.replace(/%.*$/, '')
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)
  if (mapped) return mapped[1] as string
  if (net.isIPv4(address)) return address
  if (!net.isIPv6(address)) return 'unknown'
  return `${ipv6Groups(address).slice(0, 4).join(':')}::/64`
}

/** The eight 16-bit groups of a valid IPv6 address, without leading zeros (an embedded IPv4 tail counts as two). */
function ipv6Groups(address: string): string[] {
  const split = (s: string) => (s === '' ? [] : s.split(':')).flatMap((g) => (g.includes('.') ? ['0', '0'] : [g]))
  const [head = '', tail] = address.split('::')
  const h = split(head)
  const t = tail === undefined ? [] : split(tail)
  const fill = tail === undefined ? [] : new Array<string>(8 - h.length - t.length).fill('0')
  return [...h, ...fill, ...t].map((g) => parseInt(g, 16).toString(16))
}
