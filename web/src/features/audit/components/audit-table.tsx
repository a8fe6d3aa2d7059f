//! The audit trail as a table: when, who, what, on what, from where, and how it ended.
import { ScrollText, ShieldExclamationPoint } from 'lucide-react';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadMore } from '@/components/ui/load-more';
import { LoadingBlock } from '@/components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '@/components/ui/table';
import { isApiError } from '@/lib/api-client';
import { formatDateTime } from '@/lib/format';
import { isKnownOutcome, useAuditEvents, type AuditOutcome } from '../api/get-audit-events';

const OUTCOME_TONES: Record<AuditOutcome, BadgeTone> = {
  success: 'success',
  failure: 'danger',
  denied: 'warning',
};

/// An outcome this app does not know yet is still shown, in a neutral badge.
function outcomeTone(outcome: string): BadgeTone {
  return isKnownOutcome(outcome) ? OUTCOME_TONES[outcome] : 'neutral';
}

export function AuditTable({ orgId }: { orgId: string }) {
  const events = useAuditEvents(orgId);

  if (events.isPending) return <LoadingBlock label="Loading audit events" />;
  if (events.isError) {
    if (isApiError(events.error) && events.error.status === 403) {
      return (
        <EmptyState
          icon={ShieldExclamationPoint}
          title="Owners and admins only"
          description="Ask an owner or admin of this organisation if you need to see its audit log."
        />
      );
    }
    return <ErrorState title="Could not load the audit log" error={events.error} onRetry={() => events.refetch()} />;
  }

  const items = events.data.pages.flatMap((page) => page.items);
  if (items.length === 0) {
    return (
      <EmptyState
        icon={ScrollText}
        title="No events yet"
        description="Sign-ins, membership changes and token changes will appear here."
      />
    );
  }

  return (
    <div>
      <Table caption="Audit events, newest first">
        <THead>
          <TH>Time</TH>
          <TH>Action</TH>
          <TH>Outcome</TH>
          <TH>Actor</TH>
          <TH className="hidden md:table-cell">Target</TH>
          <TH className="hidden lg:table-cell">IP</TH>
          <TH className="hidden xl:table-cell">Detail</TH>
        </THead>
        <TBody>
          {items.map((event) => (
            <tr key={event.id}>
              <TD className="whitespace-nowrap">
                <time dateTime={event.occurred_at}>{formatDateTime(event.occurred_at)}</time>
              </TD>
              <TD className="font-mono text-xs whitespace-nowrap text-zinc-900">{event.action}</TD>
              <TD>
                <Badge tone={outcomeTone(event.outcome)}>{event.outcome}</Badge>
              </TD>
              <TD className="max-w-56 truncate" title={event.actor_email ?? event.actor_user_id ?? undefined}>
                {event.actor_email ?? event.actor_user_id ?? <span className="text-zinc-400">unknown</span>}
              </TD>
              <TD className="hidden max-w-64 truncate md:table-cell">
                {event.target_kind ? (
                  <span>
                    <span className="text-zinc-500">{event.target_kind}</span>
                    {event.target_id ? <span className="ml-1 font-mono text-xs">{event.target_id}</span> : null}
                  </span>
                ) : (
                  <span className="text-zinc-400">—</span>
                )}
              </TD>
              <TD className="hidden font-mono text-xs whitespace-nowrap lg:table-cell">{event.ip ?? '—'}</TD>
              <TD className="hidden max-w-80 truncate text-xs xl:table-cell" title={event.detail ?? undefined}>
                {event.detail || <span className="text-zinc-400">—</span>}
              </TD>
            </tr>
          ))}
        </TBody>
      </Table>
      <LoadMore
        shown={items.length}
        noun={items.length === 1 ? 'event' : 'events'}
        hasNextPage={events.hasNextPage}
        isFetchingNextPage={events.isFetchingNextPage}
        onLoadMore={() => events.fetchNextPage()}
      />
    </div>
  );
}
