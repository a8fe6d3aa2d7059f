//! The dashboard's "Recent runs": the organisation's newest runs across its deployments, each
//! linked to its run page.
import { Link } from 'react-router';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingBlock } from '@/components/ui/spinner';
import { formatDateTime, formatRelative } from '@/lib/format';
import { runKindLabel, runStatusLabel, runStatusTone } from '@/lib/runs';
import { useRecentRuns, type RecentRun } from '../api/get-recent-runs';

type RecentRunsProps = {
  orgId: string;
  runHref: (run: RecentRun) => string;
  /// Where "Create a deployment" leads when there are no runs yet.
  deploymentsHref: string;
};

export function RecentRuns({ orgId, runHref, deploymentsHref }: RecentRunsProps) {
  const runs = useRecentRuns(orgId);
  return (
    <Card title="Recent runs" className="mt-6">
      {runs.isPending ? (
        <LoadingBlock label="Loading recent runs" />
      ) : runs.isError ? (
        <ErrorState title="Could not load recent runs" error={runs.error} onRetry={() => runs.refetch()} />
      ) : runs.data.items.length === 0 ? (
        <p className="text-sm text-zinc-600">
          No runs yet.{' '}
          <Link to={deploymentsHref} className="text-accent-700 hover:underline">
            Create a deployment
          </Link>{' '}
          to plan and apply one.
        </p>
      ) : (
        <ul aria-label="Recent runs" className="-my-2 divide-y divide-zinc-100">
          {runs.data.items.map((run) => (
            <li key={run.id} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 py-2">
              <div className="min-w-0">
                <Link
                  to={runHref(run)}
                  className="block truncate text-sm font-medium text-accent-700 hover:underline"
                  aria-label={`${runKindLabel(run.kind)} of ${run.deployment_name}, ${runStatusLabel(run.status)}`}
                >
                  {run.deployment_name}
                </Link>
                <p className="text-xs text-zinc-500">
                  {runKindLabel(run.kind)} ·{' '}
                  <time dateTime={run.updated_at} title={formatDateTime(run.updated_at)}>
                    {formatRelative(run.updated_at)}
                  </time>
                </p>
              </div>
              <Badge tone={runStatusTone(run.status)}>{runStatusLabel(run.status)}</Badge>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
