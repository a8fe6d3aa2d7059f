//! Everything behind login: sends visitors without a session to /login and loads the
//! signed-in user (`/v1/me`) once for all pages below.
import { useSyncExternalStore } from 'react';
import { Navigate, Outlet, useLocation, useMatch } from 'react-router';
import { FullPageMessage, FullPageSpinner } from '@/components/layouts/full-page';
import { ErrorState } from '@/components/ui/error-state';
import { useMe } from '@/features/auth/api/get-me';
import { hasSession, sessionEndedByExpiry, sessionEndedByLogout, subscribeToSession } from '@/lib/session';
import type { SessionContext } from './org-context';

export default function SessionRoot() {
  const signedIn = useSyncExternalStore(subscribeToSession, hasSession);
  const location = useLocation();

  if (!signedIn) {
    const params = new URLSearchParams();
    if (sessionEndedByExpiry()) params.set('expired', '1');
    // After a logout there is no way back: whoever logs in next may not be a member of this
    // organisation. An expired session or a deep link comes back to the page it was on.
    if (location.pathname !== '/' && !sessionEndedByLogout()) params.set('next', `${location.pathname}${location.search}`);
    const query = params.toString();
    return <Navigate to={query ? `/login?${query}` : '/login'} replace />;
  }
  return <SignedIn />;
}

function SignedIn() {
  const me = useMe();
  // An organisation's pages only need the organisation; the rest of the shell fills in when
  // /v1/me answers.
  const inOrg = useMatch('/orgs/:orgId/*') !== null;
  if (me.isPending) return inOrg ? <Outlet context={{ me: undefined } satisfies SessionContext} /> : <FullPageSpinner />;
  if (me.isError) {
    return (
      <FullPageMessage>
        <ErrorState title="Could not load your account" error={me.error} onRetry={() => me.refetch()} />
      </FullPageMessage>
    );
  }
  return <Outlet context={{ me: me.data } satisfies SessionContext} />;
}
