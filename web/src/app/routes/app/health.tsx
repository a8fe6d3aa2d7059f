//! `/orgs/:orgId/health`: the health of the Skyforge platform itself.
import { PageHeader } from '@/components/ui/page-header';
import { HealthPanel } from '@/features/health/components/health-panel';

export default function HealthRoute() {
  return (
    <>
      <PageHeader title="Platform health" description="The services Skyforge itself depends on." />
      <HealthPanel />
    </>
  );
}
