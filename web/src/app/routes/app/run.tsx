//! `/orgs/:orgId/deployments/:deploymentId/runs/:runId`: a run, its plan and live log.
import { Link, useParams } from 'react-router';
import { PageHeader } from '@/components/ui/page-header';
import { RunDetail } from '@/features/deployments/components/run-detail';
import { useOrgContext } from './org-context';

export default function RunRoute() {
  const { org } = useOrgContext();
  const { deploymentId = '', runId = '' } = useParams();
  return (
    <>
      <PageHeader
        title="Run"
        description={
          <>
            <Link to={`/orgs/${org.id}/deployments/${deploymentId}`} className="text-accent-700 hover:underline">
              Back to the deployment
            </Link>{' '}
            · <span className="font-mono text-xs">{runId}</span>
          </>
        }
      />
      <RunDetail orgId={org.id} deploymentId={deploymentId} runId={runId} role={org.role} />
    </>
  );
}
