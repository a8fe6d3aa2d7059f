//! `/`: opens the last used organisation, or offers to create one when the user has none.
import { useQueryClient } from '@tanstack/react-query';
import { Navigate, useNavigate } from 'react-router';
import { AuthLayout } from '@/components/layouts/auth-layout';
import { FullPageSpinner } from '@/components/layouts/full-page';
import { meQueryOptions } from '@/features/auth/api/get-me';
import { CreateOrgForm } from '@/features/orgs/components/create-org-form';
import { getLastOrgId } from '@/lib/navigation';
import { useSessionContext } from './org-context';

export default function HomeRoute() {
  const { me } = useSessionContext();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  if (!me) return <FullPageSpinner />;

  const lastOrgId = getLastOrgId(me.user.id);
  const org = me.organizations.find((o) => o.id === lastOrgId) ?? me.organizations[0];
  if (org) return <Navigate to={`/orgs/${org.id}/dashboard`} replace />;

  return (
    <AuthLayout
      title="Create an organisation"
      description="You are not a member of any organisation. Create one, or ask a colleague to add you to theirs."
    >
      <CreateOrgForm
        onCreated={async (created) => {
          await queryClient.invalidateQueries({ queryKey: meQueryOptions().queryKey });
          navigate(`/orgs/${created.id}/dashboard`);
        }}
      />
    </AuthLayout>
  );
}
