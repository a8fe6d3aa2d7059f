//! The resources a deployment made, as the inventory found them (their `skyforge-deployment`
//! tag), each linked to its page in the inventory.
import { Link } from 'react-router';
import { Boxes } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadMore } from '@/components/ui/load-more';
import { LoadingBlock } from '@/components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '@/components/ui/table';
import { providerLabel, resourceStateLabel, resourceStateTone, resourceTypeLabel } from '@/lib/providers';
import { useDeploymentResources } from '../api/deployments';

type DeploymentResourcesProps = {
  orgId: string;
  deploymentId: string;
  /// The sandbox has no cloud account: nothing of it can ever be in the inventory.
  sandbox: boolean;
  resourceHref: (resourceId: string) => string;
};

export function DeploymentResources({ orgId, deploymentId, sandbox, resourceHref }: DeploymentResourcesProps) {
  const resources = useDeploymentResources(orgId, deploymentId);
  const items = resources.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <section aria-labelledby="resources-heading" className="flex flex-col gap-3">
      <h2 id="resources-heading" className="text-sm font-semibold text-zinc-900">
        Resources
      </h2>
      {resources.isPending ? (
        <LoadingBlock label="Loading resources" />
      ) : resources.isError ? (
        <ErrorState title="Could not load the resources" error={resources.error} onRetry={() => resources.refetch()} />
      ) : items.length === 0 && sandbox ? (
        <p className="text-sm text-zinc-500">
          The sandbox creates nothing in a cloud account, so none of it shows up in the inventory.
        </p>
      ) : items.length === 0 ? (
        <EmptyState
          icon={Boxes}
          title="No resources in the inventory"
          description="Resources this deployment creates appear here once an apply has run and the cloud account’s next sync found them."
        />
      ) : (
        <>
          <Table caption="Resources">
            <THead>
              <TH>Name</TH>
              <TH>Type</TH>
              <TH className="hidden sm:table-cell">Provider</TH>
              <TH className="hidden sm:table-cell">Region</TH>
              <TH>State</TH>
            </THead>
            <TBody>
              {items.map((r) => (
                <tr key={r.id}>
                  <TD className="max-w-64">
                    <Link
                      to={resourceHref(r.id)}
                      className="block truncate font-medium text-accent-700 hover:underline"
                      aria-label={`${r.name || r.native_id} in the inventory`}
                    >
                      {r.name || r.native_id}
                    </Link>
                  </TD>
                  <TD>{resourceTypeLabel(r.type)}</TD>
                  <TD className="hidden sm:table-cell">{providerLabel(r.provider)}</TD>
                  <TD className="hidden sm:table-cell">{r.region}</TD>
                  <TD>
                    <Badge tone={resourceStateTone(r.state)}>{resourceStateLabel(r.state)}</Badge>
                  </TD>
                </tr>
              ))}
            </TBody>
          </Table>
          <LoadMore
            hasNextPage={resources.hasNextPage}
            isFetchingNextPage={resources.isFetchingNextPage}
            onLoadMore={() => resources.fetchNextPage()}
            shown={items.length}
            noun={items.length === 1 ? 'resource' : 'resources'}
          />
        </>
      )}
    </section>
  );
}
