/**
 * HTML for the dev IdP. Pages carry no inline script or style (the app's CSP is `script-src 'self'; style-src
 * 'self'`); styling comes from one stylesheet served by the interaction router. Every interpolated value goes
 * through escapeHtml.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}

/** Served at `<issuer>/dev-idp.css`. */
export const STYLESHEET = `body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0}
main{max-width:22rem;margin:4rem auto;background:#fff;padding:2rem;border-radius:6px;box-shadow:0 1px 3px #0003}
h1{font-size:1.3rem;margin-top:0}label{display:block;margin:.8rem 0 .3rem}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}
button{margin-top:1.2rem;padding:.5rem 1rem;font-size:1rem}.error{color:#a00;font-weight:600}
.note{color:#555;font-size:.85rem}.secondary{background:none;border:none;color:#555;text-decoration:underline}
`

function layout(cssHref: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${escapeHtml(cssHref)}">
</head>
<body><main>
<h1>${escapeHtml(title)}</h1>
${body}
</main></body>
</html>`
}

export interface FormPage {
  cssHref: string
  /** Form action URL. */
  action: string
  abortAction: string
  csrf: string
  error?: string
}

function abortForm(page: FormPage): string {
  return `<form method="post" action="${escapeHtml(page.abortAction)}">
<input type="hidden" name="csrf" value="${escapeHtml(page.csrf)}">
<button class="secondary" type="submit">Cancel</button>
</form>`
}

function errorLine(error: string | undefined): string {
  return error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(error)}</p>`
}

export function loginPage(page: FormPage & { clientName: string; username?: string }): string {
  return layout(page.cssHref, 'Sign in (development IdP)', `<p class="note">Signing in to ${escapeHtml(page.clientName)}.
Demo accounts only; see server/auth/demo-users.ts.</p>
${errorLine(page.error)}
<form method="post" action="${escapeHtml(page.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(page.csrf)}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" required autofocus value="${escapeHtml(page.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Continue</button>
</form>
${abortForm(page)}`)
}

export function totpPage(page: FormPage & { username: string }): string {
  return layout(page.cssHref, 'Verification code', `<p class="note">Enter the 6-digit code from the authenticator app
for ${escapeHtml(page.username)}.</p>
${errorLine(page.error)}
<form method="post" action="${escapeHtml(page.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(page.csrf)}">
<label for="code">Code</label>
<input id="code" name="code" type="text" autocomplete="one-time-code" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required autofocus>
<button type="submit">Verify</button>
</form>
${abortForm(page)}`)
}

export function messagePage(cssHref: string, title: string, lines: string[], extraHtml = ''): string {
  return layout(cssHref, title, `${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n')}\n${extraHtml}`)
}
