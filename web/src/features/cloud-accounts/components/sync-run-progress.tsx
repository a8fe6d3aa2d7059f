//! Follows a sync that was just started: live progress while it is queued or running, then
//! its result with the counts and the errors of each failed region.
import { useEffect, useRef } from 'react';
import { LoaderCircle } from 'lucide-react';
import { Link } from 'react-router';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/error-state';
import { Spinner } from '@/components/ui/spinner';
import { formatSyncCounts, isSyncActive } from '@/lib/sync';
import { useInvalidateCredentials, useSyncRun } from '../api/sync-credential';

type SyncRunProgressProps = {
  orgId: string;
  credentialId: string;
  runId: string;
  onDismiss: () => void;
};

export function SyncRunProgress({ orgId, credentialId, runId, onDismiss }: SyncRunProgressProps) {
  const run = useSyncRun(orgId, credentialId, runId);
  const invalidateCredentials = useInvalidateCredentials(orgId);
  const status = run.data?.status;
  const finished = status !== undefined && !isSyncActive(status);

  // Once finished, the accounts list's "last sync" is out of date.
  const reloaded = useRef(false);
  useEffect(() => {
    if (finished && !reloaded.current) {
      reloaded.current = true;
      void invalidateCredentials();
    }
  }, [finished, invalidateCredentials]);

  const dismiss = (
    <Button variant="ghost" size="sm" onClick={onDismiss}>
      Dismiss
    </Button>
  );

  if (run.isError) return <ErrorState title="Could not follow the sync" error={run.error} onRetry={() => run.refetch()} />;
  if (!run.data) return <Spinner label="Starting the sync" />;

  const { counts, errors } = run.data;
  if (!finished) {
    return (
      <div role="status" className="flex items-center gap-2 rounded-md border border-accent-200 bg-accent-50 px-3.5 py-3 text-sm text-accent-800">
        <LoaderCircle aria-hidden className="size-4 shrink-0 animate-spin" />
        <span>
          {status === 'queued' ? 'Sync queued…' : `Syncing… ${formatSyncCounts(counts)}`}
        </span>
      </div>
    );
  }

  const tone = status === 'succeeded' ? 'success' : status === 'partial' ? 'warning' : 'error';
  const title = status === 'succeeded' ? 'Sync finished' : status === 'partial' ? 'Sync finished with errors' : 'Sync failed';
  return (
    <Alert tone={tone} title={title} action={dismiss}>
      <p>{formatSyncCounts(counts)}</p>
      {status !== 'failed' ? (
        <p className="mt-1 flex flex-wrap gap-3">
          <Link to={`/orgs/${encodeURIComponent(orgId)}/inventory`} className="font-medium underline">
            See the inventory
          </Link>
          <Link to={`/orgs/${encodeURIComponent(orgId)}/dashboard`} className="font-medium underline">
            Open the dashboard
          </Link>
        </p>
      ) : null}
      {errors.length > 0 ? (
        <ul className="mt-1 list-disc pl-5">
          {errors.map((error) => (
            <li key={`${error.region}-${error.code}`}>
              <span className="font-medium">{error.region}</span>: {error.message}
            </li>
          ))}
        </ul>
      ) : null}
    </Alert>
  );
}
