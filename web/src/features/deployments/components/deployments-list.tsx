//! The organisation's deployments.
import { Link } from 'react-router';
import { ErrorState } from '@/components/ui/error-state';
import { LoadMore } from '@/components/ui/load-more';
import { LoadingBlock } from '@/components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '@/components/ui/table';
import { formatRelative } from '@/lib/format';
import { useDeployments } from '../api/deployments';

export function DeploymentsList({ orgId, href }: { orgId: string; href: (id: string) => string }) {
  const deployments = useDeployments(orgId);
  if (deployments.isPending) return <LoadingBlock label="Loading deployments" />;
  if (deployments.isError)
    return <ErrorState title="Could not load deployments" error={deployments.error} onRetry={() => deployments.refetch()} />;
  const items = deployments.data.pages.flatMap((p) => p.items);
  if (items.length === 0) return <p className="text-sm text-zinc-500">No deployments yet: pick a template below.</p>;
  return (
    <div className="flex flex-col gap-3">
      <Table caption="Deployments">
        <THead>
          <TH>Name</TH>
          {/* on phones the template and the time go under the name */}
          <TH className="hidden sm:table-cell">Template</TH>
          <TH>State</TH>
          <TH className="hidden sm:table-cell">Updated</TH>
        </THead>
        <TBody>
          {items.map((d) => (
            <tr key={d.id}>
              <TD className="max-w-56 sm:max-w-none">
                <Link to={href(d.id)} className="block truncate font-medium text-accent-700 hover:underline">
                  {d.name}
                </Link>
                <span className="block truncate text-xs text-zinc-500 sm:hidden">
                  {d.template} · <time dateTime={d.updated_at}>{formatRelative(d.updated_at)}</time>
                </span>
              </TD>
              <TD className="hidden sm:table-cell">{d.template}</TD>
              <TD>{d.active_run_id ? 'Run in progress' : d.outputs ? 'Applied' : 'Not applied'}</TD>
              <TD className="hidden sm:table-cell">
                <time dateTime={d.updated_at}>{formatRelative(d.updated_at)}</time>
              </TD>
            </tr>
          ))}
        </TBody>
      </Table>
      <LoadMore
        hasNextPage={deployments.hasNextPage}
        isFetchingNextPage={deployments.isFetchingNextPage}
        onLoadMore={() => deployments.fetchNextPage()}
        shown={items.length}
        noun="deployments"
      />
    </div>
  );
}
