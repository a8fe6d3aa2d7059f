//! `/orgs/:orgId/deployments/:deploymentId`: one deployment, its outputs and runs.
import { Link, useNavigate, useParams } from 'react-router';
import { PageHeader } from '@/components/ui/page-header';
import { useDeployment } from '@/features/deployments/api/deployments';
import { DeploymentDetail } from '@/features/deployments/components/deployment-detail';
import { useOrgContext } from './org-context';

export default function DeploymentRoute() {
  const { org } = useOrgContext();
  const { deploymentId = '' } = useParams();
  const navigate = useNavigate();
  const deployment = useDeployment(org.id, deploymentId);
  const base = `/orgs/${org.id}/deployments/${deploymentId}`;
  return (
    <>
      <PageHeader
        title={deployment.data?.name ?? 'Deployment'}
        description={
          <>
            <Link to={`/orgs/${org.id}/deployments`} className="text-accent-700 hover:underline">
              Deployments
            </Link>
            {deployment.data ? ` · ${deployment.data.template}` : null}
          </>
        }
      />
      <DeploymentDetail
        orgId={org.id}
        deploymentId={deploymentId}
        role={org.role}
        runHref={(runId) => `${base}/runs/${runId}`}
        resourceHref={(resourceId) => `/orgs/${org.id}/inventory?resource=${encodeURIComponent(resourceId)}`}
        onRunCreated={(run) => navigate(`${base}/runs/${run.id}`)}
        onDeleted={() => navigate(`/orgs/${org.id}/deployments`)}
      />
    </>
  );
}
