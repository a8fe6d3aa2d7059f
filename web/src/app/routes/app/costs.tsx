//! `/orgs/:orgId/costs`: what the organisation spends, by provider, service, account and day,
//! with the forecast, changes and savings recommendations.
import { PageHeader } from '@/components/ui/page-header';
import { CostsReport } from '@/features/costs/components/costs-report';
import { useOrgContext } from './org-context';

export default function CostsRoute() {
  const { org } = useOrgContext();
  return (
    <>
      <PageHeader title="Costs" description="Spend per currency from your cloud accounts' billing APIs." />
      <CostsReport orgId={org.id} inventoryHref={`/orgs/${org.id}/inventory`} />
    </>
  );
}
