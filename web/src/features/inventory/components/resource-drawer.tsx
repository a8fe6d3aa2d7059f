//! The details of one resource in a side panel: attributes, tags, addresses, when it was
//! seen, and its change history.
import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { Drawer } from '@/components/ui/drawer';
import { ErrorState } from '@/components/ui/error-state';
import { LoadMore } from '@/components/ui/load-more';
import { LoadingBlock } from '@/components/ui/spinner';
import { formatDateTime } from '@/lib/format';
import { providerLabel, resourceStateLabel, resourceStateTone, resourceTypeLabel } from '@/lib/providers';
import type { Resource } from '../api/get-inventory';
import { useResource, useResourceHistory } from '../api/get-resource';

type ResourceDrawerProps = {
  orgId: string;
  resourceId: string;
  /// The row from the list, shown while the full resource loads.
  placeholder?: Resource;
  onClose: () => void;
};

export function ResourceDrawer({ orgId, resourceId, placeholder, onClose }: ResourceDrawerProps) {
  const resource = useResource(orgId, resourceId, placeholder);
  const data = resource.data;
  const title = data ? data.name || data.native_id : 'Resource';

  return (
    <Drawer open onClose={onClose} title={title} description={data ? data.native_id : undefined}>
      {resource.isPending ? (
        <LoadingBlock label="Loading the resource" />
      ) : resource.isError ? (
        <ErrorState title="Could not load this resource" error={resource.error} onRetry={() => resource.refetch()} />
      ) : (
        <ResourceDetails orgId={orgId} resource={resource.data} />
      )}
    </Drawer>
  );
}

function ResourceDetails({ orgId, resource }: { orgId: string; resource: Resource }) {
  const tags = Object.entries(resource.tags).sort(([a], [b]) => a.localeCompare(b));
  const attributes = Object.entries(resource.attributes).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div className="flex flex-col gap-6 text-sm">
      <div className="flex flex-wrap gap-2">
        <Badge tone={resourceStateTone(resource.state)}>{resourceStateLabel(resource.state)}</Badge>
        <Badge>{resourceTypeLabel(resource.type)}</Badge>
        <Badge>{providerLabel(resource.provider)}</Badge>
        {resource.deleted_at ? <Badge tone="danger">No longer found</Badge> : null}
      </div>
      <Section title="Overview">
        <Pairs
          label="Overview"
          pairs={[
            ['Region', resource.region],
            ['Account', resource.account],
            ['Size', resource.size ?? '—'],
            ['Public IPs', resource.public_ips.length ? resource.public_ips.join(', ') : '—'],
            ['Private IPs', resource.private_ips.length ? resource.private_ips.join(', ') : '—'],
            ['Deployment', resource.deployment ?? '—'],
            ['Created', resource.created_at ? <Time iso={resource.created_at} /> : '—'],
            ['First seen', <Time iso={resource.first_seen} />],
            ['Last seen', <Time iso={resource.last_seen} />],
            ...(resource.deleted_at ? ([['Gone since', <Time iso={resource.deleted_at} />]] as Array<[string, ReactNode]>) : []),
          ]}
        />
      </Section>
      <Section title="Tags">
        {tags.length ? <Pairs label="Tags" pairs={tags} mono /> : <p className="text-zinc-500">No tags.</p>}
      </Section>
      <Section title="Attributes">
        {attributes.length ? (
          <Pairs label="Attributes" pairs={attributes} mono />
        ) : (
          <p className="text-zinc-500">No attributes.</p>
        )}
      </Section>
      <Section title="History">
        <History orgId={orgId} resourceId={resource.id} />
      </Section>
    </div>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="flex flex-col gap-2">
      <h3 className="text-xs font-medium tracking-wide text-zinc-500 uppercase">{title}</h3>
      {children}
    </section>
  );
}

function Pairs({ label, pairs, mono }: { label: string; pairs: Array<[string, ReactNode]>; mono?: boolean }) {
  return (
    <dl aria-label={label} className="grid grid-cols-[minmax(0,10rem)_minmax(0,1fr)] gap-x-4 gap-y-1.5">
      {pairs.map(([key, value]) => (
        <div key={key} className="contents">
          <dt className={mono ? 'font-mono text-xs break-all text-zinc-600' : 'text-zinc-600'}>{key}</dt>
          <dd className={mono ? 'font-mono text-xs break-all text-zinc-900' : 'break-all text-zinc-900'}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Time({ iso }: { iso: string }) {
  return <time dateTime={iso}>{formatDateTime(iso)}</time>;
}

const CHANGE_LABELS: Record<string, string> = {
  created: 'Created',
  changed: 'Changed',
  deleted: 'No longer found',
  reappeared: 'Found again',
};

function History({ orgId, resourceId }: { orgId: string; resourceId: string }) {
  const history = useResourceHistory(orgId, resourceId);
  if (history.isPending) return <LoadingBlock label="Loading the history" />;
  if (history.isError) {
    return <ErrorState title="Could not load the history" error={history.error} onRetry={() => history.refetch()} />;
  }
  const entries = history.data.pages.flatMap((page) => page.items);
  if (entries.length === 0) return <p className="text-zinc-500">No changes recorded yet.</p>;
  return (
    <div>
      <ol className="flex flex-col gap-3">
        {entries.map((entry) => (
          <li key={`${entry.sync_run_id}-${entry.at}`} className="rounded-md border border-zinc-200 p-3">
            <p className="flex flex-wrap items-baseline justify-between gap-2">
              <span className="font-medium text-zinc-900">{CHANGE_LABELS[entry.change] ?? entry.change}</span>
              <Time iso={entry.at} />
            </p>
            {entry.changes.length > 0 ? (
              <ul className="mt-2 flex flex-col gap-1">
                {entry.changes.map((change) => (
                  <li key={change.field} className="text-xs break-all text-zinc-700">
                    <span className="font-mono font-medium">{change.field}</span>:{' '}
                    <span className="text-zinc-500">{change.from ?? '∅'}</span>
                    <span aria-hidden> → </span>
                    <span className="sr-only"> changed to </span>
                    <span>{change.to ?? '∅'}</span>
                  </li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ol>
      <LoadMore
        shown={entries.length}
        noun={entries.length === 1 ? 'change' : 'changes'}
        hasNextPage={history.hasNextPage}
        isFetchingNextPage={history.isFetchingNextPage}
        onLoadMore={() => history.fetchNextPage()}
      />
    </div>
  );
}
