//! `/orgs/:orgId/*`: the app shell around every page of an organisation: navigation, the
//! organisation switcher and the user menu.
import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Link, NavLink, Outlet, useLocation, useNavigate, useParams } from 'react-router';
import {
  Activity,
  Boxes,
  CircleDollarSign,
  Cloud,
  KeyRound,
  LayoutDashboard,
  Rocket,
  ScrollText,
  Users,
  type LucideIcon,
} from 'lucide-react';
import { SidebarLayout } from '@/components/layouts/sidebar-layout';
import { UserMenu } from '@/components/layouts/user-menu';
import { buttonClass } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingBlock } from '@/components/ui/spinner';
import { meQueryOptions } from '@/features/auth/api/get-me';
import { useLogout } from '@/features/auth/api/logout';
import { CreateOrgForm } from '@/features/orgs/components/create-org-form';
import { useOrg } from '@/features/orgs/api/get-org';
import { OrgSwitcher } from '@/features/orgs/components/org-switcher';
import { isApiError } from '@/lib/api-client';
import { cn } from '@/lib/cn';
import { setLastOrgId } from '@/lib/navigation';
import { useSessionContext, type OrgContext } from './org-context';

type NavItem = { path: string; label: string; icon: LucideIcon };

const NAV_SECTIONS: Array<{ label: string; items: NavItem[] }> = [
  {
    label: 'Overview',
    items: [
      { path: 'dashboard', label: 'Dashboard', icon: LayoutDashboard },
      { path: 'inventory', label: 'Inventory', icon: Boxes },
      { path: 'cloud-accounts', label: 'Cloud accounts', icon: Cloud },
      { path: 'costs', label: 'Costs', icon: CircleDollarSign },
      { path: 'deployments', label: 'Deployments', icon: Rocket },
    ],
  },
  {
    label: 'Manage',
    items: [
      { path: 'audit', label: 'Audit', icon: ScrollText },
      { path: 'tokens', label: 'API tokens', icon: KeyRound },
      { path: 'members', label: 'Members', icon: Users },
      { path: 'health', label: 'Health', icon: Activity },
    ],
  },
];

export default function OrgLayout() {
  const { me } = useSessionContext();
  const { orgId = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const logout = useLogout();
  const [creatingOrg, setCreatingOrg] = useState(false);

  // Until /v1/me answers, the organisation comes from GET /v1/orgs/{org} (one item, quick);
  // once it has, its list decides (a membership just removed shows as not found).
  const fetchedOrg = useOrg(orgId, { enabled: me === undefined });
  const org = me ? me.organizations.find((o) => o.id === orgId) : fetchedOrg.data;
  const orgMissing = me ? org === undefined : isApiError(fetchedOrg.error) && [403, 404].includes(fetchedOrg.error.status);

  useEffect(() => {
    if (me && org) setLastOrgId(me.user.id, org.id);
  }, [me, org]);

  const switchOrg = (nextOrgId: string) => {
    // Stay on the same page of the other organisation.
    const section = location.pathname.split('/')[3] ?? 'dashboard';
    navigate(`/orgs/${nextOrgId}/${section}`);
  };

  const sidebar = (
    <>
      <div className="px-4 pb-4">
        <OrgSwitcher
          organizations={me?.organizations ?? (org ? [org] : [])}
          currentOrgId={orgId}
          onSelect={switchOrg}
          onCreate={() => setCreatingOrg(true)}
        />
      </div>
      <nav aria-label="Main" className="flex-1 overflow-y-auto px-3 pb-4">
        {NAV_SECTIONS.map((section) => (
          <div key={section.label} className="mb-4">
            <p className="px-2 pb-1 text-xs font-medium tracking-wide text-zinc-400 uppercase">{section.label}</p>
            <ul className="flex flex-col gap-0.5">
              {section.items.map(({ path, label, icon: Icon }) => (
                <li key={path}>
                  <NavLink
                    to={`/orgs/${orgId}/${path}`}
                    className={({ isActive }) =>
                      cn(
                        'flex items-center gap-2.5 rounded-md px-2 py-1.5 text-sm font-medium transition-colors',
                        'focus-visible:outline-2 focus-visible:outline-accent-600',
                        isActive ? 'bg-accent-50 text-accent-700' : 'text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900',
                      )
                    }
                  >
                    <Icon aria-hidden className="size-4 shrink-0" />
                    {label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </nav>
      <div className="border-t border-zinc-200 p-3">
        <UserMenu
          name={me?.user.name ?? ''}
          email={me?.user.email ?? ''}
          isLoggingOut={logout.isPending}
          onLogout={() => logout.mutate(undefined, { onSettled: () => navigate('/login', { replace: true }) })}
        />
      </div>
    </>
  );

  return (
    <SidebarLayout sidebar={sidebar}>
      {org ? (
        <Outlet context={{ me, org } satisfies OrgContext} />
      ) : !orgMissing && fetchedOrg.isError ? (
        <ErrorState title="Could not load the organisation" error={fetchedOrg.error} onRetry={() => fetchedOrg.refetch()} />
      ) : !orgMissing ? (
        <LoadingBlock label="Loading the organisation" />
      ) : (
        <EmptyState
          icon={Users}
          title="Organisation not found"
          description="It does not exist, or you are not a member of it."
          action={
            <Link to="/" className={buttonClass('secondary')}>
              Go to your organisation
            </Link>
          }
        />
      )}
      <Dialog open={creatingOrg} onClose={() => setCreatingOrg(false)} title="New organisation">
        <CreateOrgForm
          onCancel={() => setCreatingOrg(false)}
          onCreated={async (created) => {
            await queryClient.invalidateQueries({ queryKey: meQueryOptions().queryKey });
            setCreatingOrg(false);
            navigate(`/orgs/${created.id}/dashboard`);
          }}
        />
      </Dialog>
    </SidebarLayout>
  );
}
