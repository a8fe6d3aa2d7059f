//! The platform's health: an overall verdict and one row per dependency it checks.
import { CircleCheck, CircleX, RefreshCw } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingBlock } from '@/components/ui/spinner';
import { cn } from '@/lib/cn';
import { formatDateTime } from '@/lib/format';
import { useHealth } from '../api/get-health';

export function HealthPanel() {
  const health = useHealth();

  if (health.isPending) return <LoadingBlock label="Checking platform health" />;
  if (health.isError) {
    return <ErrorState title="Could not check platform health" error={health.error} onRetry={() => health.refetch()} />;
  }

  const { status, checks } = health.data;
  const healthy = status === 'ok';
  return (
    <div className="flex flex-col gap-4">
      <div
        role="status"
        className={cn(
          'flex flex-col gap-3 rounded-lg border p-4 sm:flex-row sm:items-center sm:justify-between',
          healthy ? 'border-emerald-200 bg-emerald-50' : 'border-amber-200 bg-amber-50',
        )}
      >
        <div className="flex items-center gap-3">
          {healthy ? (
            <CircleCheck aria-hidden className="size-6 text-emerald-600" />
          ) : (
            <CircleX aria-hidden className="size-6 text-amber-600" />
          )}
          <div>
            <p className={cn('font-semibold', healthy ? 'text-emerald-900' : 'text-amber-950')}>
              {healthy ? 'All systems operational' : 'Degraded: some checks are failing'}
            </p>
            <p className="text-xs text-zinc-600">Last checked {formatDateTime(new Date(health.dataUpdatedAt).toISOString())}</p>
          </div>
        </div>
        <Button
          variant="secondary"
          size="sm"
          isLoading={health.isFetching}
          icon={<RefreshCw aria-hidden className="size-3.5" />}
          onClick={() => health.refetch()}
        >
          Check again
        </Button>
      </div>

      <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white shadow-xs" aria-label="Health checks">
        {checks.length === 0 ? <li className="px-4 py-3 text-sm text-zinc-500">No checks reported.</li> : null}
        {checks.map((check) => (
          <li key={check.name} className="flex items-start gap-3 px-4 py-3">
            {check.ok ? (
              <CircleCheck aria-hidden className="mt-0.5 size-4 shrink-0 text-emerald-600" />
            ) : (
              <CircleX aria-hidden className="mt-0.5 size-4 shrink-0 text-red-600" />
            )}
            <div className="min-w-0 flex-1">
              <p className="text-sm font-medium text-zinc-900">
                {check.name}
                <span className="sr-only">{check.ok ? ': healthy' : ': failing'}</span>
              </p>
              {check.error ? <p className="mt-0.5 text-sm break-words text-red-700">{check.error}</p> : null}
            </div>
            <span className="shrink-0 text-xs text-zinc-500 tabular-nums">
              {`${Math.round(check.latency_ms)} ms`}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
