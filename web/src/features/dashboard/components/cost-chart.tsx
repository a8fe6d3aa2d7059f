//! The dashboard's cost chart: the last 30 days' daily cost stacked by provider, one chart per
//! currency (amounts in different currencies are never added), each with its providers' totals.
import { lazy, Suspense } from 'react';
import { Card } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingBlock } from '@/components/ui/spinner';
import { currenciesOf, formatMoney, providerSeries } from '@/lib/costs';
import { providerColor, providerLabel } from '@/lib/providers';
import { useDailyCosts, type DailyCosts } from '../api/get-daily-costs';

// Recharts loads after the dashboard's figures, in its own chunk (first-page budget).
const ProviderCostChart = lazy(() => import('./provider-cost-chart'));

export function CostChart({ orgId }: { orgId: string }) {
  const costs = useDailyCosts(orgId, true);
  return (
    <Card title="Cost by provider, last 30 days" description="Daily, stacked by provider; one chart per currency.">
      {costs.isPending ? (
        <LoadingBlock label="Loading costs" />
      ) : costs.isError ? (
        <ErrorState title="Could not load costs" error={costs.error} onRetry={() => costs.refetch()} />
      ) : costs.data.series.length === 0 ? (
        <p className="text-sm text-zinc-500">
          No costs in the last 30 days. They appear once a cloud account’s sync has fetched them from the provider’s
          billing API.
        </p>
      ) : (
        <div className="flex flex-col gap-6">
          {currenciesOf(costs.data.series).map((currency) => (
            <CurrencyChart key={currency} currency={currency} costs={costs.data} />
          ))}
        </div>
      )}
    </Card>
  );
}

function CurrencyChart({ currency, costs }: { currency: string; costs: DailyCosts }) {
  const series = providerSeries(costs.series, currency, costs.from, costs.to);
  return (
    <div className="flex flex-col gap-2">
      <Suspense fallback={<LoadingBlock label="Loading the chart" />}>
        <ProviderCostChart currency={currency} label={`Daily cost in ${currency} by provider, last 30 days`} series={series} />
      </Suspense>
      <ul aria-label={`Cost in ${currency} by provider, last 30 days`} className="flex flex-wrap gap-x-5 gap-y-1 text-sm">
        {series.providers.map((provider) => (
          <li key={provider} className="flex items-center gap-1.5">
            <span aria-hidden className="size-2.5 rounded-sm" style={{ backgroundColor: providerColor(provider) }} />
            <span className="text-zinc-700">{providerLabel(provider)}</span>
            <span className="text-zinc-900 tabular-nums">{formatMoney(series.totals[provider] ?? 0, currency)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
