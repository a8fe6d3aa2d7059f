//! The caller's API tokens, with revoke.
import { useState } from 'react';
import { KeyRound } from 'lucide-react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadMore } from '@/components/ui/load-more';
import { LoadingBlock } from '@/components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '@/components/ui/table';
import { errorMessage } from '@/lib/api-client';
import { formatDate, formatRelative } from '@/lib/format';
import { useTokens, type ApiToken } from '../api/get-tokens';
import { useRevokeToken } from '../api/revoke-token';

export function TokensList() {
  const tokens = useTokens();
  const revokeToken = useRevokeToken();
  const [toRevoke, setToRevoke] = useState<ApiToken | null>(null);

  if (tokens.isPending) return <LoadingBlock label="Loading API tokens" />;
  if (tokens.isError) return <ErrorState title="Could not load API tokens" error={tokens.error} onRetry={() => tokens.refetch()} />;

  const items = tokens.data.pages.flatMap((page) => page.items);
  if (items.length === 0) {
    return (
      <EmptyState
        icon={KeyRound}
        title="No API tokens"
        description="Create a token to call the Skyforge API from scripts and CI."
      />
    );
  }

  return (
    <div>
      <Table caption="Your API tokens">
        <THead>
          <TH>Name</TH>
          <TH>Scope</TH>
          <TH className="hidden md:table-cell">Created</TH>
          <TH>Expires</TH>
          <TH className="hidden sm:table-cell">Last used</TH>
          <TH>
            <span className="sr-only">Actions</span>
          </TH>
        </THead>
        <TBody>
          {items.map((token) => (
            <tr key={token.id}>
              <TD className="font-medium text-zinc-900">{token.name}</TD>
              <TD>
                <Badge tone={token.scope === 'write' ? 'warning' : 'neutral'}>{token.scope}</Badge>
              </TD>
              <TD className="hidden whitespace-nowrap md:table-cell">
                <time dateTime={token.created_at}>{formatDate(token.created_at)}</time>
              </TD>
              <TD className="whitespace-nowrap">
                {token.expires_at ? <time dateTime={token.expires_at}>{formatDate(token.expires_at)}</time> : 'Never'}
              </TD>
              <TD className="hidden whitespace-nowrap sm:table-cell">
                {token.last_used_at ? (
                  <time dateTime={token.last_used_at}>{formatRelative(token.last_used_at)}</time>
                ) : (
                  'Never used'
                )}
              </TD>
              <TD className="text-right">
                <Button
                  variant="ghost"
                  size="sm"
                  aria-label={`Revoke ${token.name}`}
                  onClick={() => {
                    revokeToken.reset();
                    setToRevoke(token);
                  }}
                >
                  Revoke
                </Button>
              </TD>
            </tr>
          ))}
        </TBody>
      </Table>
      <LoadMore
        shown={items.length}
        noun={items.length === 1 ? 'token' : 'tokens'}
        hasNextPage={tokens.hasNextPage}
        isFetchingNextPage={tokens.isFetchingNextPage}
        onLoadMore={() => tokens.fetchNextPage()}
      />
      <ConfirmDialog
        open={toRevoke !== null}
        title="Revoke token?"
        description={
          toRevoke ? (
            <>
              Anything using <strong className="font-medium text-zinc-900">{toRevoke.name}</strong> will stop working
              at once. This cannot be undone.
            </>
          ) : null
        }
        confirmLabel="Revoke token"
        isPending={revokeToken.isPending}
        error={revokeToken.isError ? errorMessage(revokeToken.error) : null}
        onCancel={() => setToRevoke(null)}
        onConfirm={() => toRevoke && revokeToken.mutate(toRevoke.id, { onSuccess: () => setToRevoke(null) })}
      />
    </div>
  );
}
