//! `/orgs/:orgId/dashboard`: the organisation's landing page.
import { PageHeader } from '@/components/ui/page-header';
import { DashboardOverview } from '@/features/dashboard/components/dashboard-overview';
import { RecentRuns } from '@/features/dashboard/components/recent-runs';
import { useOrgContext } from './org-context';

export default function DashboardRoute() {
  const { org } = useOrgContext();
  return (
    <>
      <PageHeader title="Dashboard" description={`Resources and cloud accounts of ${org.name}.`} />
      <DashboardOverview orgId={org.id} accountsHref={`/orgs/${org.id}/cloud-accounts`} />
      <RecentRuns
        orgId={org.id}
        deploymentsHref={`/orgs/${org.id}/deployments`}
        runHref={(run) => `/orgs/${org.id}/deployments/${run.deployment_id}/runs/${run.id}`}
      />
    </>
  );
}
