import assert from 'node:assert/strict'

/** A minimal browser: a cookie jar honouring Path and expiry, and manual redirects. */
export class Browser {
  private cookies = new Map<string, { name: string; value: string; path: string }>()

  /** Plants a cookie as if a site (or an attacker) had set it. */
  setCookie(name: string, value: string, path = '/'): void {
    this.cookies.set(`${name};${path}`, { name, value, path })
  }

  cookieValue(name: string): string | undefined {
    return [...this.cookies.values()].find((c) => c.name === name)?.value
  }

  cookieHeader(_origin: string): string {
    return [...this.cookies.values()].filter((c) => c.path === '/').map((c) => `${c.name}=${c.value}`).join('; ')
  }

  async go(url: string, form?: Record<string, string>): Promise<Response> {
    const target = new URL(url)
    const cookie = [...this.cookies.values()]
      .filter((c) => target.pathname === c.path || target.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`).join('; ')
    const res = await fetch(target, {
      method: form === undefined ? 'GET' : 'POST',
      redirect: 'manual',
      headers: { ...(cookie === '' ? {} : { cookie }), ...(form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) },
      body: form === undefined ? undefined : new URLSearchParams(form).toString(),
    })
    for (const header of res.headers.getSetCookie()) {
      const [pair, ...attrs] = header.split(';').map((s) => s.trim())
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq)
      const value = pair!.slice(eq + 1)
      const pathAttr = attrs.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/'
      const expires = attrs.find((a) => a.toLowerCase().startsWith('expires='))?.slice(8)
      const key = `${name};${pathAttr}`
      if (value === '' || (expires !== undefined && Date.parse(expires) < Date.now())) this.cookies.delete(key)
      else this.cookies.set(key, { name, value, path: pathAttr })
    }
    return res
  }

  /** Follows redirects until one leaves `origin`'s IdP paths or a page is returned. */
  async follow(url: string, stopAt: string, form?: Record<string, string>): Promise<{ url: string; res: Response }> {
    let res = await this.go(url, form)
    let current = url
    while (res.status >= 300 && res.status < 400) {
      current = new URL(res.headers.get('location')!, current).href
      if (current.startsWith(stopAt)) return { url: current, res }
      res = await this.go(current)
    }
    return { url: current, res }
  }
}

export function formOf(html: string, action: RegExp): { action: string; csrf: string } {
  const forms = [...html.matchAll(/<form method="post" action="([^"]+)"[^>]*>\s*<input type="hidden" name="csrf" value="([^"]+)">/g)]
  const match = forms.find((f) => action.test(f[1]!))
  assert.ok(match, `form ${action} not found`)
  return { action: match[1]!, csrf: match[2]! }
}

