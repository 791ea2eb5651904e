import { createHmac, timingSafeEqual } from 'node:crypto'

/** What the login redirect must remember until the callback: the OAuth checks and where to go afterwards. */
export interface LoginState {
  state: string
  nonce: string
  codeVerifier: string
  returnTo: string
  /** Epoch milliseconds after which the callback is refused. */
  expiresAt: number
}

/**
 * The login state travels in a short-lived HttpOnly cookie, signed with HMAC-SHA256 so that it cannot be forged,
 * which keeps app servers stateless before a session exists. The PKCE verifier in it is only useful together with
 * an authorization code issued to this browser.
 */
export function sealLoginState(key: Buffer, s: LoginState): string {
  const body = Buffer.from(JSON.stringify(s)).toString('base64url')
  return `${body}.${mac(key, body)}`
}

export function openLoginState(key: Buffer, sealed: string | undefined, now = Date.now()): LoginState | undefined {
  if (!sealed || sealed.length > 4096) return undefined
  const [body, sig] = sealed.split('.')
  if (!body || !sig) return undefined
  const expected = Buffer.from(mac(key, body))
  const given = Buffer.from(sig)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined
  try {
    const s = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as LoginState
    return typeof s.expiresAt === 'number' && s.expiresAt > now ? s : undefined
  } catch {
    return undefined
  }
}

function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(`login-state.${body}`).digest('base64url')
}

/** Only same-origin paths may be a post-login destination (no open redirect). */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return '/'
  return value.length > 512 ? '/' : value
}
