//! `/orgs/:orgId/deployments/new/:templateId`: the create form of a template.
import { Link, useNavigate, useParams } from 'react-router';
import { Card } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { PageHeader } from '@/components/ui/page-header';
import { LoadingBlock } from '@/components/ui/spinner';
import { useTemplates } from '@/features/deployments/api/deployments';
import { CreateDeploymentForm } from '@/features/deployments/components/create-deployment-form';
import { useOrgContext } from './org-context';

export default function NewDeploymentRoute() {
  const { org } = useOrgContext();
  const { templateId = '' } = useParams();
  const navigate = useNavigate();
  const templates = useTemplates();
  const base = `/orgs/${org.id}/deployments`;
  if (templates.isPending) return <LoadingBlock label="Loading the template" />;
  if (templates.isError) return <ErrorState title="Could not load templates" error={templates.error} onRetry={() => templates.refetch()} />;
  const template = templates.data.items.find((t) => t.id === templateId);
  if (!template)
    return (
      <p className="text-sm text-zinc-600">
        No such template. <Link to={base} className="text-accent-700 hover:underline">Back to deployments</Link>
      </p>
    );
  return (
    <>
      <PageHeader title={`New deployment: ${template.title}`} description={template.description} />
      <Card>
        <CreateDeploymentForm
          orgId={org.id}
          template={template}
          onCancel={() => navigate(base)}
          onCreated={(d) => navigate(`${base}/${d.id}`)}
        />
      </Card>
    </>
  );
}
