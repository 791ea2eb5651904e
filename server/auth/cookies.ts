import { parse } from 'cookie'
import type { CookieOptions, Request } from 'express'

/**
 * Cookie names and attributes. Over HTTPS the `__Host-` prefix makes the browser insist on Secure, Path=/ and no
 * Domain, so a sibling subdomain cannot plant or overwrite the session cookie. Plain-HTTP development uses
 * unprefixed names, since Secure cookies are not stored over http://localhost by every client.
 */
export function cookieNames(secure: boolean) {
  const prefix = secure ? '__Host-' : ''
  return { session: `${prefix}strongroom_session`, login: `${prefix}strongroom_login` }
}

export function cookieOptions(secure: boolean, maxAgeMs: number): CookieOptions {
  return { httpOnly: true, secure, sameSite: 'lax', path: '/', maxAge: maxAgeMs }
}

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.get('cookie')
  if (!header || header.length > 8192) return undefined
  return parse(header)[name]
}
