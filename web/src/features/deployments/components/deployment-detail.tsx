//! A deployment: its variables (with an edit form), outputs, resources and runs (with what each
//! changed in the variables), with "Plan & apply", "Destroy" and, once nothing can remain in the
//! cloud, "Delete".
import { useState } from 'react';
import { Link } from 'react-router';
import { Pencil, Play, Trash2, X } from 'lucide-react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { ErrorState } from '@/components/ui/error-state';
import { LoadMore } from '@/components/ui/load-more';
import { LoadingBlock } from '@/components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '@/components/ui/table';
import { errorMessage } from '@/lib/api-client';
import type { Role } from '@/lib/api-common';
import { formatDateTime } from '@/lib/format';
import { runKindLabel } from '@/lib/runs';
import {
  useCreateRun,
  useDeleteDeployment,
  useDeployment,
  useRuns,
  useTemplates,
  type Run,
} from '../api/deployments';
import { changeLabel } from '../lib/variable-changes';
import { DeploymentResources } from './deployment-resources';
import { EditDeploymentForm } from './edit-deployment-form';
import { RunStatusBadge } from './run-status';

type DeploymentDetailProps = {
  orgId: string;
  deploymentId: string;
  role: Role;
  runHref: (runId: string) => string;
  /// Where a resource of the deployment opens (the inventory's drawer).
  resourceHref: (resourceId: string) => string;
  onRunCreated: (run: Run) => void;
  onDeleted: () => void;
};

function show(value: unknown): string {
  // terraform output -json wraps each output as { value, type, sensitive }
  if (value && typeof value === 'object' && 'value' in value) {
    const v = value as { value: unknown; sensitive?: boolean };
    if (v.sensitive) return '(sensitive)';
    value = v.value;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function DeploymentDetail({
  orgId,
  deploymentId,
  role,
  runHref,
  resourceHref,
  onRunCreated,
  onDeleted,
}: DeploymentDetailProps) {
  const deployment = useDeployment(orgId, deploymentId);
  const runs = useRuns(orgId, deploymentId);
  const templates = useTemplates();
  const createRun = useCreateRun(orgId, deploymentId);
  const remove = useDeleteDeployment(orgId, deploymentId);
  const [confirmDestroy, setConfirmDestroy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [editing, setEditing] = useState(false);
  const canOperate = role !== 'viewer';

  if (deployment.isPending) return <LoadingBlock label="Loading the deployment" />;
  if (deployment.isError)
    return <ErrorState title="Could not load the deployment" error={deployment.error} onRetry={() => deployment.refetch()} />;
  const d = deployment.data;
  const runItems = runs.data?.pages.flatMap((p) => p.items) ?? [];
  const outputs = Object.entries(d.outputs ?? {});
  const template = templates.data?.items.find((t) => t.id === d.template);
  const runWaiting = runItems.some((r) => !['applied', 'errored', 'cancelled', 'discarded'].includes(r.status));
  const deletable = d.lifecycle !== 'applied' && !d.active_run_id && !runWaiting;

  return (
    <div className="flex flex-col gap-6">
      {canOperate ? (
        <div className="flex flex-wrap gap-2">
          <Button
            icon={<Play aria-hidden className="size-4" />}
            isLoading={createRun.isPending && createRun.variables === 'plan_and_apply'}
            disabled={createRun.isPending}
            onClick={() => createRun.mutate('plan_and_apply', { onSuccess: onRunCreated })}
          >
            Plan &amp; apply
          </Button>
          <Button
            variant="secondary"
            icon={<Trash2 aria-hidden className="size-4" />}
            disabled={createRun.isPending}
            onClick={() => setConfirmDestroy(true)}
          >
            Destroy
          </Button>
          <Button
            variant="secondary"
            icon={<Pencil aria-hidden className="size-4" />}
            disabled={!template || editing}
            onClick={() => setEditing(true)}
          >
            Edit
          </Button>
          {deletable ? (
            <Button variant="secondary" icon={<X aria-hidden className="size-4" />} onClick={() => setConfirmDelete(true)}>
              Delete
            </Button>
          ) : null}
        </div>
      ) : null}
      {createRun.isError && !confirmDestroy ? <Alert>{errorMessage(createRun.error)}</Alert> : null}
      {editing && template ? (
        <Card title="Edit deployment">
          <EditDeploymentForm
            orgId={orgId}
            deployment={d}
            template={template}
            onCancel={() => setEditing(false)}
            onSaved={(run) => {
              setEditing(false);
              if (run) onRunCreated(run);
            }}
          />
        </Card>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Variables">
          <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm">
            {Object.entries(d.variables).map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-zinc-500">{k}</dt>
                <dd className="truncate font-mono text-zinc-800">{show(v)}</dd>
              </div>
            ))}
          </dl>
          <p className="mt-2 text-xs text-zinc-500">
            {d.lifecycle === 'new'
              ? 'Never applied.'
              : d.lifecycle === 'destroyed'
                ? 'Destroyed: nothing remains in the cloud.'
                : 'Applied: resources may exist.'}
          </p>
        </Card>
        <Card title="Outputs">
          {outputs.length === 0 ? (
            <p className="text-sm text-zinc-500">Outputs appear after an apply.</p>
          ) : (
            <dl aria-label="Outputs" className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm">
              {outputs.map(([k, v]) => (
                <div key={k} className="contents">
                  <dt className="text-zinc-500">{k}</dt>
                  <dd className="font-mono break-all text-zinc-800">{show(v)}</dd>
                </div>
              ))}
            </dl>
          )}
        </Card>
      </div>
      <DeploymentResources
        orgId={orgId}
        deploymentId={deploymentId}
        sandbox={!d.credential_id}
        resourceHref={resourceHref}
      />
      <section aria-labelledby="runs-heading" className="flex flex-col gap-3">
        <h2 id="runs-heading" className="text-sm font-semibold text-zinc-900">
          Runs
        </h2>
        {runs.isPending ? (
          <LoadingBlock label="Loading runs" />
        ) : runs.isError ? (
          <ErrorState title="Could not load runs" error={runs.error} onRetry={() => runs.refetch()} />
        ) : runItems.length === 0 ? (
          <p className="text-sm text-zinc-500">No runs yet.</p>
        ) : (
          <>
            <Table caption="Runs">
              <THead>
                <TH>Run</TH>
                {/* on phones the kind and the start go under the run */}
                <TH className="hidden sm:table-cell">Kind</TH>
                <TH>Status</TH>
                <TH className="hidden md:table-cell">Variables changed</TH>
                <TH className="hidden sm:table-cell">Started</TH>
              </THead>
              <TBody>
                {runItems.map((r) => (
                  <tr key={r.id}>
                    <TD className="max-w-48 sm:max-w-none">
                      <Link to={runHref(r.id)} className="block truncate font-mono text-xs text-accent-700 hover:underline">
                        {r.id}
                      </Link>
                      <span className="block text-xs text-zinc-500 sm:hidden">
                        {runKindLabel(r.kind)} · <time dateTime={r.created_at}>{formatDateTime(r.created_at)}</time>
                      </span>
                    </TD>
                    <TD className="hidden sm:table-cell">{runKindLabel(r.kind)}</TD>
                    <TD>
                      <RunStatusBadge status={r.status} />
                    </TD>
                    <TD className="hidden text-xs md:table-cell">
                      {r.variable_changes.length === 0 ? (
                        <span className="text-zinc-400">—</span>
                      ) : (
                        <ul aria-label={`Variables changed by ${r.id}`}>
                          {r.variable_changes.map((c) => (
                            <li key={c.name} className="font-mono">
                              {changeLabel(c)}
                            </li>
                          ))}
                        </ul>
                      )}
                    </TD>
                    <TD className="hidden sm:table-cell">
                      <time dateTime={r.created_at}>{formatDateTime(r.created_at)}</time>
                    </TD>
                  </tr>
                ))}
              </TBody>
            </Table>
            <LoadMore
              hasNextPage={runs.hasNextPage}
              isFetchingNextPage={runs.isFetchingNextPage}
              onLoadMore={() => runs.fetchNextPage()}
              shown={runItems.length}
              noun="runs"
            />
          </>
        )}
      </section>
      <ConfirmDialog
        open={confirmDelete}
        title={`Delete ${d.name}?`}
        description="The deployment and its run history are removed. Nothing remains in the cloud: it was never applied or has been destroyed."
        confirmLabel="Delete deployment"
        isPending={remove.isPending}
        error={remove.isError ? errorMessage(remove.error) : null}
        onCancel={() => setConfirmDelete(false)}
        onConfirm={() => remove.mutate(undefined, { onSuccess: onDeleted })}
      />
      <ConfirmDialog
        open={confirmDestroy}
        title={`Destroy ${d.name}?`}
        description="A destroy run plans the removal of everything this deployment created; it is applied only after approval."
        confirmLabel="Plan destroy"
        isPending={createRun.isPending}
        error={createRun.isError ? errorMessage(createRun.error) : null}
        onCancel={() => setConfirmDestroy(false)}
        onConfirm={() =>
          createRun.mutate('destroy', {
            onSuccess: (run) => {
              setConfirmDestroy(false);
              onRunCreated(run);
            },
          })
        }
      />
    </div>
  );
}
