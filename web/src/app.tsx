import type { ComponentChildren } from 'preact'
import type { Me } from './api/types.ts'
import { ErrorNotice } from './components/error-notice.tsx'
import { Header } from './components/header.tsx'
import { Loading, Notice } from './components/notice.tsx'
import { PATHS, Redirect, usePath } from './router.tsx'
import { useSession } from './session/use-session.ts'
import { AdminView } from './views/admin/admin-view.tsx'
import { AuditView } from './views/audit/audit-view.tsx'
import { ChatView } from './views/chat/chat-view.tsx'
import { MyDataView } from './views/data/my-data-view.tsx'
import { SearchView } from './views/search/search-view.tsx'
import { SignedOutView } from './views/signed-out-view.tsx'

export function App() {
  const { session, reload } = useSession()
  const path = usePath()
  return (
    <div class="app">
      <a class="skip-link" href="#main">Skip to content</a>
      <Header session={session} path={path} />
      <main id="main" class="app-main" tabIndex={-1}>
        {session.status === 'loading' ? <Loading /> : null}
        {session.status === 'error' ? <ErrorNotice error={session.error} onRetry={reload} /> : null}
        {session.status === 'signed-out' ? <SignedOutView expired={session.reason === 'expired'} /> : null}
        {session.status === 'signed-in' ? <Route path={path} me={session.me} /> : null}
      </main>
    </div>
  )
}

function homeFor(me: Me): string {
  if (me.roles.includes('employee')) return PATHS.chat
  if (me.roles.includes('admin')) return PATHS.admin
  if (me.roles.includes('auditor')) return PATHS.audit
  return PATHS.myData
}

function Route({ path, me }: { path: string; me: Me }) {
  if (path === PATHS.search) return <Needs me={me} role="employee"><SearchView /></Needs>
  if (path === PATHS.myData) return <MyDataView />
  if (path === PATHS.admin) return <Needs me={me} role="admin"><AdminView /></Needs>
  if (path === PATHS.audit) return <Needs me={me} role="auditor"><AuditView /></Needs>
  const chat = /^\/chat\/([^/]+)$/.exec(path)
  if (path === '/' && homeFor(me) !== PATHS.chat) return <Redirect to={homeFor(me)} />
  if (path === '/' || chat) {
    return <Needs me={me} role="employee"><ChatView conversationId={chat ? decodeURIComponent(chat[1]!) : undefined} /></Needs>
  }
  return <Notice tone="info" title="Page not found"><p>There is nothing at this address.</p></Notice>
}

function Needs({ me, role, children }: { me: Me; role: Me['roles'][number]; children: ComponentChildren }) {
  if (me.roles.includes(role)) return <>{children}</>
  return (
    <Notice tone="warning" title="Not available for your account">
      <p>This page needs the {role} role.</p>
    </Notice>
  )
}
