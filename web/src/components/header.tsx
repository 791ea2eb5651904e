import { useState } from 'preact/hooks'
import { loginUrl } from '../api/endpoints.ts'
import { logout } from '../api/me.ts'
import type { Me } from '../api/types.ts'
import { currentPath, Link, PATHS } from '../router.tsx'
import type { Session } from '../session/use-session.ts'
import { ClassificationBadge } from './classification-badge.tsx'

interface NavItem {
  href: string
  label: string
  show: (me: Me) => boolean
}

const NAV: NavItem[] = [
  { href: PATHS.chat, label: 'Chat', show: (me) => me.roles.includes('employee') },
  { href: PATHS.search, label: 'Search', show: (me) => me.roles.includes('employee') },
  { href: PATHS.admin, label: 'Admin', show: (me) => me.roles.includes('admin') },
  { href: PATHS.audit, label: 'Audit', show: (me) => me.roles.includes('auditor') },
  { href: PATHS.myData, label: 'My data', show: () => true },
]

function isCurrent(href: string, path: string): boolean {
  return href === '/' ? path === '/' || path.startsWith('/chat/') : path.startsWith(href)
}

export function Header({ session, path }: { session: Session; path: string }) {
  const me = session.status === 'signed-in' ? session.me : undefined
  return (
    <header class="app-header">
      <div class="brand">
        <a href="/" class="brand-link">
          <span class="brand-mark" aria-hidden="true" />
          Strongroom
        </a>
      </div>
      {me ? (
        <nav class="main-nav" aria-label="Main">
          {NAV.filter((n) => n.show(me)).map((n) => (
            <Link key={n.href} href={n.href} current={isCurrent(n.href, path)}>{n.label}</Link>
          ))}
        </nav>
      ) : null}
      <div class="user-area">{me ? <UserBox me={me} /> : session.status === 'signed-out' ? <SignInLink /> : null}</div>
    </header>
  )
}

function SignInLink() {
  return <a class="button" href={loginUrl(currentPath())}>Sign in</a>
}

function UserBox({ me }: { me: Me }) {
  const [busy, setBusy] = useState(false)
  const [failed, setFailed] = useState(false)
  const signOut = async () => {
    setBusy(true)
    setFailed(false)
    try {
      const { logoutUrl } = await logout()
      // The IdP's own sign-out ends its session too; without one, the local session is already gone.
      location.assign(logoutUrl ?? '/')
    } catch {
      setBusy(false)
      setFailed(true)
    }
  }
  return (
    <div class="user-box">
      <div class="user-id">
        <span class="user-name" data-testid="user-name">{me.userId}</span>
        <span class="user-tenant">
          <span class="visually-hidden">Tenant: </span><span data-testid="user-tenant">{me.tenantId}</span>
        </span>
      </div>
      <ClassificationBadge value={me.clearance} label="Clearance" />
      <button type="button" class="secondary small" onClick={signOut} disabled={busy}>
        {busy ? 'Signing out…' : 'Sign out'}
      </button>
      {failed ? <span class="error-text" role="alert">Sign-out failed; try again.</span> : null}
    </div>
  )
}
