import type { KoaContextWithOIDC } from 'oidc-provider'
import { messagePage } from './pages.ts'

/*
 * Replacements for oidc-provider's built-in pages, whose inline <style> the app's CSP would block. Values are
 * escaped by messagePage; the logout form markup is produced by oidc-provider itself (action URL and xsrf token).
 */

export function pageForLogout(basePath: string) {
  return async (ctx: KoaContextWithOIDC, form: string) => {
    ctx.type = 'html'
    ctx.body = messagePage(`${basePath}/dev-idp.css`, 'Sign out', [`Do you want to sign out from ${ctx.host}?`], `${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button class="secondary" type="submit" form="op.logoutForm">No, stay signed in</button>`)
  }
}

export function pageForLogoutSuccess(basePath: string) {
  return async (ctx: KoaContextWithOIDC) => {
    ctx.type = 'html'
    ctx.body = messagePage(`${basePath}/dev-idp.css`, 'Signed out', ['You have been signed out.'])
  }
}

export function pageForError(basePath: string) {
  return async (ctx: KoaContextWithOIDC, out: Record<string, unknown>) => {
    ctx.type = 'html'
    const lines = ['error', 'error_description']
      .filter((k) => typeof out[k] === 'string')
      .map((k) => `${k}: ${String(out[k])}`)
    ctx.body = messagePage(`${basePath}/dev-idp.css`, 'Sign-in error', lines)
  }
}
