//! `/orgs/:orgId/deployments`: the organisation's deployments and the template gallery.
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { DeploymentsList } from '@/features/deployments/components/deployments-list';
import { TemplateGallery } from '@/features/deployments/components/template-gallery';
import { useOrgContext } from './org-context';

export default function DeploymentsRoute() {
  const { org } = useOrgContext();
  const base = `/orgs/${org.id}/deployments`;
  return (
    <>
      <PageHeader title="Deployments" description="Terraform modules run by Skyforge, planned and applied after approval." />
      <div className="flex flex-col gap-6">
        <DeploymentsList orgId={org.id} href={(id) => `${base}/${id}`} />
        <Card title="Templates" description="Start a deployment from a template.">
          <TemplateGallery canCreate={org.role !== 'viewer'} newHref={(id) => `${base}/new/${id}`} />
        </Card>
      </div>
    </>
  );
}
