//! Savings recommendations: what to do, the resources it concerns (linked to the inventory
//! drawer) and the estimated monthly saving, in the price table's currency.
import { Link } from 'react-router';
import { Card } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { LoadMore } from '@/components/ui/load-more';
import { LoadingBlock } from '@/components/ui/spinner';
import { formatMoney } from '@/lib/costs';
import { providerLabel, resourceTypeLabel } from '@/lib/providers';
import { RULE_LABELS, useRecommendations } from '../api/get-recommendations';

export function Recommendations({ orgId, inventoryHref }: { orgId: string; inventoryHref: string }) {
  const recommendations = useRecommendations(orgId);
  const items = recommendations.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Card title="Savings recommendations" description="Found in the synced inventory; prices are public list prices.">
      {recommendations.isPending ? (
        <LoadingBlock label="Loading recommendations" />
      ) : recommendations.isError ? (
        <ErrorState
          title="Could not load recommendations"
          error={recommendations.error}
          onRetry={() => recommendations.refetch()}
        />
      ) : items.length === 0 ? (
        <p className="text-sm text-zinc-500">Nothing to save right now.</p>
      ) : (
        <div className="flex flex-col gap-3">
          <ul aria-label="Savings recommendations" className="flex flex-col divide-y divide-zinc-100">
            {items.map((r) => (
              <li key={r.id} className="flex flex-col gap-2 py-3 first:pt-0 sm:flex-row sm:justify-between">
                <div className="min-w-0">
                  <p className="text-sm font-medium text-zinc-900">
                    {RULE_LABELS[r.rule] ?? r.rule} · {providerLabel(r.provider)}
                  </p>
                  <p className="text-sm text-zinc-600">{r.action}</p>
                  <ul className="mt-1 flex flex-wrap gap-x-3 gap-y-1 text-xs">
                    {r.resources.map((res) => (
                      <li key={res.id}>
                        <Link
                          to={`${inventoryHref}?resource=${encodeURIComponent(res.id)}`}
                          className="text-accent-700 hover:underline focus-visible:outline-2 focus-visible:outline-accent-600"
                        >
                          {resourceTypeLabel(res.type)} {res.name ?? res.native_id}
                        </Link>{' '}
                        <span className="text-zinc-500">
                          {res.region} · {formatMoney(res.monthly_cost, r.currency)}/mo
                        </span>
                      </li>
                    ))}
                  </ul>
                </div>
                <p className="shrink-0 text-sm text-zinc-600 sm:text-right">
                  Saves{' '}
                  <span className="font-semibold text-emerald-700 tabular-nums">
                    {formatMoney(r.monthly_saving, r.currency)}
                  </span>
                  /month
                  <br />
                  <span className="text-xs text-zinc-400">prices of {r.prices_as_of}</span>
                </p>
              </li>
            ))}
          </ul>
          <LoadMore
            hasNextPage={recommendations.hasNextPage}
            isFetchingNextPage={recommendations.isFetchingNextPage}
            onLoadMore={() => recommendations.fetchNextPage()}
            shown={items.length}
            noun="recommendations"
          />
        </div>
      )}
    </Card>
  );
}
