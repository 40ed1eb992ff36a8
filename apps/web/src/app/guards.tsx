// Route guards: the session (GET /me) decides who may see a page.
import type { ReactNode } from 'react';
import { Navigate, Outlet, useLocation, useSearchParams } from 'react-router';
import { PageLoader } from '../components/PageLoader.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { useMe } from '../features/identity/api/me.ts';
import type { Role } from '../features/identity/api/types.ts';
import { ForbiddenPage } from './pages/ForbiddenPage.tsx';

/** Pages for signed-in users; others go to the login and come back afterwards. */
export function RequireSignedIn(props: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <PageLoader label="Checking your session…" />;
  if (me.isError)
    return (
      <div style={{ maxWidth: 560, margin: '3rem auto', padding: '0 1rem' }}>
        <ProblemAlert error={me.error} onRetry={() => void me.refetch()} />
      </div>
    );
  if (!me.data) {
    const next = `${location.pathname}${location.search}`;
    return (
      <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />
    );
  }
  return props.children;
}

/** A part of the app for some roles only; anyone else sees a clear 403 page. */
export function RequireRole(props: { roles: readonly Role[] }) {
  const me = useMe();
  const allowed = props.roles.some((role) => me.data?.roles.includes(role));
  return allowed ? <Outlet /> : <ForbiddenPage />;
}

/** Login and sign-up pages: a signed-in visitor goes straight on. */
export function RedirectIfSignedIn(props: { children: ReactNode }) {
  const me = useMe();
  const [params] = useSearchParams();
  if (me.isPending) return <PageLoader label="Checking your session…" />;
  if (me.data) return <Navigate to={safeNextPath(params.get('next'))} replace />;
  return props.children;
}

/** Only same-site paths are followed after login, so a link cannot send users elsewhere. */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}
