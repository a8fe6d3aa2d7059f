//! The connected cloud accounts, with "Sync now", sync on/off, rename and regions, secret
//! rotation and removal for everyone but viewers.
import { useState } from 'react';
import { Cloud, KeyRound, Pencil, RefreshCw, Trash } from 'lucide-react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Dialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadMore } from '@/components/ui/load-more';
import { LoadingBlock } from '@/components/ui/spinner';
import { errorMessage } from '@/lib/api-client';
import { cn } from '@/lib/cn';
import { formatDateTime, formatRelative } from '@/lib/format';
import { providerLabel } from '@/lib/providers';
import { formatSyncCounts, isSyncActive, syncStatusLabel, syncStatusTone } from '@/lib/sync';
import { methodLabel, useCredentials, type Credential } from '../api/get-credentials';
import { useStartSync, useSyncRun } from '../api/sync-credential';
import { useDeleteCredential, useUpdateCredential } from '../api/update-credential';
import { EditCredentialForm } from './edit-credential-form';
import { RotateCredentialForm } from './rotate-credential-form';
import { SyncRunProgress } from './sync-run-progress';

type CredentialsListProps = {
  orgId: string;
  canChange: boolean;
  /// Shown in the empty state when the user may add an account.
  onAdd?: () => void;
};

export function CredentialsList({ orgId, canChange, onAdd }: CredentialsListProps) {
  const credentials = useCredentials(orgId);
  const [toDelete, setToDelete] = useState<Credential | null>(null);
  const remove = useDeleteCredential(orgId, { onSuccess: () => setToDelete(null) });

  if (credentials.isPending) return <LoadingBlock label="Loading cloud accounts" />;
  if (credentials.isError) {
    return (
      <ErrorState title="Could not load cloud accounts" error={credentials.error} onRetry={() => credentials.refetch()} />
    );
  }
  const items = credentials.data.pages.flatMap((page) => page.items);
  if (items.length === 0) {
    return (
      <EmptyState
        icon={Cloud}
        title="No cloud accounts yet"
        description="Connect an AWS, Azure or GCP account so Skyforge can list its resources."
        action={
          canChange && onAdd ? (
            <Button onClick={onAdd} icon={<Cloud aria-hidden className="size-4" />}>
              Add account
            </Button>
          ) : null
        }
      />
    );
  }

  return (
    <div>
      <ul className="flex flex-col gap-4">
        {items.map((credential) => (
          <li key={credential.id}>
            <CredentialCard
              orgId={orgId}
              credential={credential}
              canChange={canChange}
              onDelete={() => {
                remove.reset();
                setToDelete(credential);
              }}
            />
          </li>
        ))}
      </ul>
      <LoadMore
        shown={items.length}
        noun={items.length === 1 ? 'account' : 'accounts'}
        hasNextPage={credentials.hasNextPage}
        isFetchingNextPage={credentials.isFetchingNextPage}
        onLoadMore={() => credentials.fetchNextPage()}
      />
      <ConfirmDialog
        open={toDelete !== null}
        title="Remove cloud account?"
        description={
          toDelete ? (
            <>
              Skyforge stops syncing <strong className="font-medium text-zinc-900">{toDelete.name}</strong>, removes
              its resources from the inventory and deletes its stored secret.
            </>
          ) : null
        }
        confirmLabel="Remove account"
        isPending={remove.isPending}
        error={remove.isError ? errorMessage(remove.error) : null}
        onCancel={() => setToDelete(null)}
        onConfirm={() => toDelete && remove.mutate(toDelete.id)}
      />
    </div>
  );
}

type CredentialCardProps = {
  orgId: string;
  credential: Credential;
  canChange: boolean;
  onDelete: () => void;
};

function CredentialCard({ orgId, credential, canChange, onDelete }: CredentialCardProps) {
  const update = useUpdateCredential(orgId);
  const startSync = useStartSync(orgId);
  const [runId, setRunId] = useState<string | null>(null);
  const pending = credential.pending_sync;
  // A new or rotated account's first sync is followed on the card by itself, to its result.
  const [seenRun, setSeenRun] = useState<string | null>(null);
  if (pending && pending.trigger === 'connect' && pending.run_id !== seenRun && runId === null) {
    setSeenRun(pending.run_id);
    setRunId(pending.run_id);
  }
  const [actionError, setActionError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'edit' | 'rotate' | null>(null);
  const sync = credential.last_sync;
  const syncEnabled = update.isPending ? Boolean(update.variables.body.sync_enabled) : credential.sync_enabled;
  const run = useSyncRun(orgId, credential.id, runId);
  // No second sync while one is queued or running.
  const running =
    startSync.isPending ||
    (runId !== null && (run.data === undefined || isSyncActive(run.data.status))) ||
    pending != null ||
    (runId === null && sync != null && isSyncActive(sync.status));

  return (
    <article aria-label={credential.name} className="flex flex-col gap-4 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs sm:p-5">
      <header className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <h2 className="flex flex-wrap items-center gap-2 text-sm font-semibold text-zinc-900">
            {credential.name}
            <Badge>{providerLabel(credential.provider)}</Badge>
          </h2>
          <p className="mt-0.5 text-xs break-all text-zinc-500">
            {methodLabel(credential.method)} · {credential.hint}
          </p>
        </div>
        {canChange ? (
          <div className="flex flex-wrap items-center gap-2">
            <Button
              variant="secondary"
              size="sm"
              isLoading={startSync.isPending}
              disabled={running}
              icon={<RefreshCw aria-hidden className="size-4" />}
              aria-label={`Sync ${credential.name} now`}
              onClick={() => {
                setActionError(null);
                startSync.mutate(credential.id, {
                  onSuccess: (run) => setRunId(run.id),
                  onError: (error) => setActionError(`Could not start a sync: ${errorMessage(error)}`),
                });
              }}
            >
              Sync now
            </Button>
            <Button
              variant="ghost"
              size="sm"
              icon={<Pencil aria-hidden className="size-4" />}
              aria-label={`Edit ${credential.name}`}
              onClick={() => {
                setNotice(null);
                setDialog('edit');
              }}
            >
              <span className="max-sm:hidden">Edit</span>
            </Button>
            <Button
              variant="ghost"
              size="sm"
              icon={<KeyRound aria-hidden className="size-4" />}
              aria-label={`Rotate the secret of ${credential.name}`}
              onClick={() => {
                setNotice(null);
                setDialog('rotate');
              }}
            >
              <span className="max-sm:hidden">Rotate secret</span>
            </Button>
            <Button
              variant="ghost"
              size="sm"
              icon={<Trash aria-hidden className="size-4" />}
              aria-label={`Remove ${credential.name}`}
              onClick={onDelete}
            >
              <span className="max-sm:hidden">Remove</span>
            </Button>
          </div>
        ) : null}
      </header>

      <dl className="grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-4">
        <div>
          <dt className="text-xs text-zinc-500">{credential.provider === 'aws' ? 'Account ID' : 'Scopes'}</dt>
          <dd className="mt-0.5 break-all text-zinc-900">
            {credential.provider === 'aws' ? (credential.account_id ?? '—') : credential.scopes.join(', ') || '—'}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500">Regions</dt>
          <dd className="mt-0.5 break-words text-zinc-900">
            {credential.regions && credential.regions.length > 0 ? credential.regions.join(', ') : 'Every enabled region'}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500">Scheduled sync</dt>
          <dd className="mt-0.5">
            {canChange ? (
              <SyncSwitch
                label={`Scheduled sync of ${credential.name}`}
                checked={syncEnabled}
                disabled={update.isPending}
                onChange={(next) => {
                  setActionError(null);
                  update.mutate(
                    { id: credential.id, body: { sync_enabled: next } },
                    { onError: (error) => setActionError(`Could not change the sync: ${errorMessage(error)}`) },
                  );
                }}
              />
            ) : (
              <Badge tone={credential.sync_enabled ? 'success' : 'neutral'}>{credential.sync_enabled ? 'On' : 'Off'}</Badge>
            )}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500">Last sync</dt>
          <dd className="mt-0.5 flex flex-col gap-1">
            {pending ? (
              <span className="flex flex-wrap items-center gap-2">
                <Badge tone={syncStatusTone(pending.status)}>{syncStatusLabel(pending.status)}</Badge>
                <time dateTime={pending.since} title={formatDateTime(pending.since)} className="text-xs text-zinc-500">
                  since {formatRelative(pending.since)}
                </time>
              </span>
            ) : null}
            {sync ? (
              <>
                <span className="flex flex-wrap items-center gap-2">
                  <Badge tone={syncStatusTone(sync.status)}>{syncStatusLabel(sync.status)}</Badge>
                  {sync.finished_at ? (
                    <time dateTime={sync.finished_at} title={formatDateTime(sync.finished_at)} className="text-xs text-zinc-500">
                      {formatRelative(sync.finished_at)}
                    </time>
                  ) : null}
                </span>
                <span className="text-xs text-zinc-600">{formatSyncCounts(sync.counts)}</span>
                {(sync.status === 'partial' || sync.status === 'failed') && runId !== sync.run_id ? (
                  <button
                    type="button"
                    onClick={() => setRunId(sync.run_id)}
                    aria-label={`Show what failed in the last sync of ${credential.name}`}
                    className="self-start rounded text-xs font-medium text-accent-700 hover:underline focus-visible:outline-2 focus-visible:outline-accent-600"
                  >
                    Show what failed
                  </button>
                ) : null}
              </>
            ) : pending ? null : (
              <span className="text-zinc-500">Never</span>
            )}
          </dd>
        </div>
      </dl>

      {actionError ? <Alert>{actionError}</Alert> : null}
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      {runId ? (
        <SyncRunProgress orgId={orgId} credentialId={credential.id} runId={runId} onDismiss={() => setRunId(null)} />
      ) : null}
      <Dialog open={dialog === 'edit'} onClose={() => setDialog(null)} title={`Edit ${credential.name}`}>
        <EditCredentialForm
          orgId={orgId}
          credential={credential}
          onCancel={() => setDialog(null)}
          onSaved={(saved) => {
            setDialog(null);
            setNotice(`${saved.name} is saved.`);
          }}
        />
      </Dialog>
      <Dialog
        open={dialog === 'rotate'}
        onClose={() => setDialog(null)}
        title="Rotate secret"
        description={`A new secret for ${credential.name} (${methodLabel(credential.method)}). It must reach the same account.`}
      >
        <RotateCredentialForm
          orgId={orgId}
          credential={credential}
          onCancel={() => setDialog(null)}
          onRotated={() => {
            setDialog(null);
            setNotice('The secret is rotated; the next sync uses the new one.');
          }}
        />
      </Dialog>
    </article>
  );
}

type SyncSwitchProps = { label: string; checked: boolean; disabled?: boolean; onChange: (next: boolean) => void };

function SyncSwitch({ label, checked, disabled, onChange }: SyncSwitchProps) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      aria-label={label}
      disabled={disabled}
      onClick={() => onChange(!checked)}
      className="inline-flex items-center gap-2 rounded-md text-sm text-zinc-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600 disabled:opacity-60"
    >
      <span
        aria-hidden
        className={cn(
          'relative inline-flex h-5 w-9 shrink-0 rounded-full transition-colors',
          checked ? 'bg-accent-600' : 'bg-zinc-300',
        )}
      >
        <span
          className={cn(
            'absolute top-0.5 left-0.5 size-4 rounded-full bg-white shadow transition-transform',
            checked && 'translate-x-4',
          )}
        />
      </span>
      {checked ? 'On' : 'Off'}
    </button>
  );
}
