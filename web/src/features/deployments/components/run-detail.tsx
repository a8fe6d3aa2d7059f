//! A run: status and timestamps, the plan summary by resource address, the actions its state
//! allows (operators and up), and the live log.
import { useQueryClient } from '@tanstack/react-query';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingBlock } from '@/components/ui/spinner';
import { errorMessage } from '@/lib/api-client';
import type { Role } from '@/lib/api-common';
import { formatDateTime } from '@/lib/format';
import { runKindLabel, runStatusLabel } from '@/lib/runs';
import {
  allowedRunActions,
  isRunFinal,
  runQueryOptions,
  useRun,
  useRunAction,
  type PlanSummary,
  type Run,
  type RunAction,
} from '../api/deployments';
import { useLiveLog } from '../api/use-live-log';
import { changeLabel } from '../lib/variable-changes';
import { LogTerminal } from './log-terminal';
import { RunStatusBadge } from './run-status';

type RunDetailProps = { orgId: string; deploymentId: string; runId: string; role: Role };

export function RunDetail({ orgId, deploymentId, runId, role }: RunDetailProps) {
  const run = useRun(orgId, deploymentId, runId);
  if (run.isPending) return <LoadingBlock label="Loading the run" />;
  if (run.isError) return <ErrorState title="Could not load the run" error={run.error} onRetry={() => run.refetch()} />;
  return <RunView orgId={orgId} run={run.data} role={role} />;
}

const ACTION_LABELS: Record<RunAction, string> = { approve: 'Approve', cancel: 'Cancel run', discard: 'Discard plan' };

export function RunView({ orgId, run, role }: { orgId: string; run: Run; role: Role }) {
  const queryClient = useQueryClient();
  const action = useRunAction(orgId, run.deployment_id, run.id);
  const final = isRunFinal(run.status);
  const log = useLiveLog({
    orgId,
    deploymentId: run.deployment_id,
    runId: run.id,
    final,
    onStatus: () =>
      void queryClient.invalidateQueries({ queryKey: runQueryOptions(orgId, run.deployment_id, run.id).queryKey }),
  });
  const actions = allowedRunActions(run.status, role);

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-center gap-2">
          <RunStatusBadge status={run.status} />
          <span className="text-sm text-zinc-600">{runKindLabel(run.kind)}</span>
        </div>
        {actions.length > 0 ? (
          <div className="flex gap-2" role="group" aria-label="Run actions">
            {actions.map((a) => (
              <Button
                key={a}
                variant={a === 'approve' ? 'primary' : 'secondary'}
                isLoading={action.isPending && action.variables === a}
                disabled={action.isPending}
                onClick={() => action.mutate(a)}
              >
                {ACTION_LABELS[a]}
              </Button>
            ))}
          </div>
        ) : role === 'viewer' && !final ? (
          <p className="text-sm text-zinc-500">Operators and up can approve, cancel or discard runs.</p>
        ) : null}
      </div>
      {action.isError ? <Alert>{errorMessage(action.error)}</Alert> : null}
      {run.error ? <Alert title="The run failed">{run.error}</Alert> : null}
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_18rem]">
        <Card title="Plan">
          {run.plan ? (
            <PlanSummaryView plan={run.plan} />
          ) : (
            <p className="text-sm text-zinc-500">
              {final ? 'No plan was made.' : 'The plan appears here when it is ready.'}
            </p>
          )}
          {run.variable_changes.length > 0 ? (
            <div className="mt-4">
              <h3 className="text-xs font-semibold text-zinc-700">Variables changed since the last apply</h3>
              <ul aria-label="Variables changed" className="mt-1 font-mono text-xs text-zinc-800">
                {run.variable_changes.map((c) => (
                  <li key={c.name}>{changeLabel(c)}</li>
                ))}
              </ul>
            </div>
          ) : null}
        </Card>
        <Card title="Timeline">
          <ol className="flex flex-col gap-1.5 text-sm">
            {run.timestamps.map((t) => (
              <li key={`${t.status}-${t.at}`} className="flex justify-between gap-2">
                <span className="text-zinc-700">{runStatusLabel(t.status)}</span>
                <time dateTime={t.at} className="text-zinc-500 tabular-nums">
                  {formatDateTime(t.at)}
                </time>
              </li>
            ))}
          </ol>
        </Card>
      </div>
      <LogTerminal lines={log.lines} state={log.state} />
    </div>
  );
}

export function PlanSummaryView({ plan }: { plan: PlanSummary }) {
  const groups = [
    { key: 'add', label: 'to add', tone: 'success', items: plan.add },
    { key: 'change', label: 'to change', tone: 'warning', items: plan.change },
    { key: 'destroy', label: 'to destroy', tone: 'danger', items: plan.destroy },
  ] as const;
  return (
    <div className="flex flex-col gap-3">
      <p className="flex flex-wrap gap-2" aria-label="Plan summary">
        {groups.map((g) => (
          <Badge key={g.key} tone={g.items.length > 0 ? g.tone : 'neutral'}>
            {g.items.length} {g.label}
          </Badge>
        ))}
      </p>
      {groups
        .filter((g) => g.items.length > 0)
        .map((g) => (
          <div key={g.key}>
            <h3 className="text-xs font-medium tracking-wide text-zinc-500 uppercase">{g.label}</h3>
            <ul className="mt-1 font-mono text-xs text-zinc-800">
              {g.items.map((address) => (
                <li key={address}>{address}</li>
              ))}
            </ul>
          </div>
        ))}
    </div>
  );
}
