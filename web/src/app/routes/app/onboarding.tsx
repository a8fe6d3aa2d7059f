//! `/orgs/:orgId/onboarding`: getting started, for an organisation without cloud accounts (the
//! dashboard's empty state and its header link here until the guide is dismissed).
import { useNavigate } from 'react-router';
import { PageHeader } from '@/components/ui/page-header';
import { useAwsRoleSetup } from '@/features/cloud-accounts/api/get-aws-role-setup';
import { useCredentials } from '@/features/cloud-accounts/api/get-credentials';
import { useDeployments } from '@/features/deployments/api/deployments';
import { dismissOnboarding, OnboardingGuide } from '@/features/onboarding/components/onboarding-guide';
import { useOrgContext } from './org-context';

export default function OnboardingRoute() {
  const { org } = useOrgContext();
  const navigate = useNavigate();
  const canChange = org.role !== 'viewer';
  const credentials = useCredentials(org.id);
  const deployments = useDeployments(org.id);
  const roleSetup = useAwsRoleSetup(org.id, canChange);
  const accounts = credentials.data?.pages.flatMap((page) => page.items) ?? [];
  const steps = {
    connected: accounts.length > 0,
    synced: accounts.some((a) => a.last_sync?.status === 'succeeded' || a.last_sync?.status === 'partial'),
    deployed: (deployments.data?.pages.flatMap((page) => page.items).length ?? 0) > 0,
  };
  return (
    <>
      <PageHeader title="Get started" description={`Connect ${org.name}'s first cloud account and see its resources.`} />
      <OnboardingGuide
        steps={steps}
        accountsHref={`/orgs/${org.id}/cloud-accounts`}
        deploymentsHref={`/orgs/${org.id}/deployments`}
        membersHref={`/orgs/${org.id}/members`}
        awsQuickCreateUrl={roleSetup.data?.quick_create_url ?? null}
        awsExternalId={roleSetup.data?.external_id ?? null}
        onDismiss={() => {
          dismissOnboarding(org.id);
          navigate(`/orgs/${org.id}/dashboard`);
        }}
      />
    </>
  );
}
