//! `/orgs/:orgId/dashboard`: the organisation's landing page.
import { Link } from 'react-router';
import { buttonClass } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { DashboardOverview } from '@/features/dashboard/components/dashboard-overview';
import { RecentRuns } from '@/features/dashboard/components/recent-runs';
import { isOnboardingDismissed } from '@/features/onboarding/components/onboarding-guide';
import { useOrgContext } from './org-context';

export default function DashboardRoute() {
  const { org } = useOrgContext();
  return (
    <>
      <PageHeader
        title="Dashboard"
        description={`Resources and cloud accounts of ${org.name}.`}
        actions={
          isOnboardingDismissed(org.id) ? null : (
            <Link to={`/orgs/${org.id}/onboarding`} className={buttonClass('secondary', 'sm')}>
              Get started
            </Link>
          )
        }
      />
      <DashboardOverview orgId={org.id} accountsHref={`/orgs/${org.id}/cloud-accounts`} />
      <RecentRuns
        orgId={org.id}
        deploymentsHref={`/orgs/${org.id}/deployments`}
        runHref={(run) => `/orgs/${org.id}/deployments/${run.deployment_id}/runs/${run.id}`}
      />
    </>
  );
}
