//! The costs page's body: range and grouping, the headline figures, the daily chart per
//! currency, the grouped table, top services and the savings recommendations.
import { lazy, Suspense, useState } from 'react';
import { CircleDollarSign } from 'lucide-react';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { SelectField, TextField } from '@/components/ui/field';
import { LoadingBlock, Spinner } from '@/components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '@/components/ui/table';
import { cn } from '@/lib/cn';
import { currenciesOf, dailySeries, formatMoney, type CostGroup } from '@/lib/costs';
import { providerLabel } from '@/lib/providers';
import { GROUP_BYS, GROUP_BY_LABELS, rangePreset, useCosts, type GroupBy } from '../api/get-costs';
import { CostFigures, MoneyList } from './cost-figures';
import { Recommendations } from './recommendations';

// Recharts is the heaviest module of the app: its chunk loads after the figures have rendered.
const DailyCostChart = lazy(() => import('@/components/charts/daily-cost-chart'));

const PRESETS = [
  { id: 'last30', label: 'Last 30 days' },
  { id: 'thisMonth', label: 'This month' },
  { id: 'lastMonth', label: 'Last month' },
] as const;

type CostsReportProps = {
  orgId: string;
  /// The inventory page, for the recommendations' resource links.
  inventoryHref: string;
  /// "Today", for the presets (tests pin it).
  now?: Date;
};

export function CostsReport({ orgId, inventoryHref, now }: CostsReportProps) {
  const [range, setRange] = useState(() => rangePreset('last30', now));
  const [groupBy, setGroupBy] = useState<GroupBy>('provider');
  const rangeInvalid = range.from > range.to;
  const grouped = useCosts(orgId, { ...range, groupBy }, !rangeInvalid);
  const daily = useCosts(orgId, { ...range, groupBy: 'day' }, !rangeInvalid);

  return (
    <div className="flex flex-col gap-6">
      <form aria-label="Cost range" className="flex flex-wrap items-start gap-3" onSubmit={(e) => e.preventDefault()}>
        <div role="group" aria-label="Presets" className="flex flex-wrap gap-1 self-end pb-0.5">
          {PRESETS.map((p) => {
            const preset = rangePreset(p.id, now);
            const active = preset.from === range.from && preset.to === range.to;
            return (
              <button
                key={p.id}
                type="button"
                aria-pressed={active}
                onClick={() => setRange(preset)}
                className={cn(
                  'rounded-md px-2.5 py-1.5 text-sm font-medium ring-1 ring-zinc-200 focus-visible:outline-2 focus-visible:outline-accent-600',
                  active ? 'bg-accent-50 text-accent-700' : 'bg-white text-zinc-700 hover:bg-zinc-50',
                )}
              >
                {p.label}
              </button>
            );
          })}
        </div>
        <TextField
          label="From"
          type="date"
          value={range.from}
          onChange={(e) => e.target.value && setRange((r) => ({ ...r, from: e.target.value }))}
        />
        <TextField
          label="To"
          type="date"
          value={range.to}
          onChange={(e) => e.target.value && setRange((r) => ({ ...r, to: e.target.value }))}
          error={rangeInvalid ? 'Pick a day on or after “From”.' : undefined}
        />
        <SelectField label="Group by" value={groupBy} onChange={(e) => setGroupBy(e.target.value as GroupBy)}>
          {GROUP_BYS.map((g) => (
            <option key={g} value={g}>
              {GROUP_BY_LABELS[g]}
            </option>
          ))}
        </SelectField>
        {grouped.isFetching && !grouped.isPending ? <Spinner label="Updating" className="self-end" /> : null}
      </form>

      {rangeInvalid ? null : grouped.isPending ? (
        <LoadingBlock label="Loading costs" />
      ) : grouped.isError ? (
        <ErrorState title="Could not load costs" error={grouped.error} onRetry={() => grouped.refetch()} />
      ) : grouped.data.totals.length === 0 && grouped.data.overview.month_to_date.length === 0 ? (
        <EmptyState
          icon={CircleDollarSign}
          title="No costs yet"
          description="Costs appear once a cloud account's sync has fetched them from the provider's billing API."
        />
      ) : (
        <>
          <CostFigures overview={grouped.data.overview} />
          <Card title="Daily cost" description={`${range.from} to ${range.to}, one chart per currency.`}>
            {daily.isPending ? (
              <LoadingBlock label="Loading daily costs" />
            ) : daily.isError ? (
              <ErrorState title="Could not load daily costs" error={daily.error} onRetry={() => daily.refetch()} />
            ) : daily.data.groups.length === 0 ? (
              <p className="text-sm text-zinc-500">Nothing in this range.</p>
            ) : (
              <Suspense fallback={<LoadingBlock label="Loading the chart" />}>
                {currenciesOf(daily.data.groups).map((currency) => (
                  <DailyCostChart
                    key={currency}
                    currency={currency}
                    label={`Daily cost in ${currency}`}
                    series={dailySeries(daily.data.groups, currency, daily.data.from, daily.data.to)}
                  />
                ))}
              </Suspense>
            )}
          </Card>
          <div className="grid gap-6 lg:grid-cols-2">
            <Card
              title={`By ${GROUP_BY_LABELS[groupBy].toLowerCase()}`}
              description={
                <span className="flex gap-1">
                  Total: <MoneyList amounts={grouped.data.totals} />
                </span>
              }
            >
              <GroupTable
                caption={`Cost by ${GROUP_BY_LABELS[groupBy].toLowerCase()}`}
                groups={grouped.data.groups}
                groupBy={groupBy}
              />
            </Card>
            <Card title="Top services">
              <GroupTable caption="Top services" groups={grouped.data.top_services} groupBy="service" />
            </Card>
          </div>
        </>
      )}
      <Recommendations orgId={orgId} inventoryHref={inventoryHref} />
    </div>
  );
}

function keyLabel(key: string, groupBy: GroupBy): string {
  return groupBy === 'provider' ? providerLabel(key) : key;
}

function GroupTable({ caption, groups, groupBy }: { caption: string; groups: CostGroup[]; groupBy: GroupBy }) {
  if (groups.length === 0) return <p className="text-sm text-zinc-500">Nothing in this range.</p>;
  return (
    <Table caption={caption}>
      <THead>
        <TH>{GROUP_BY_LABELS[groupBy]}</TH>
        <TH className="text-right">Cost</TH>
      </THead>
      <TBody>
        {groups.map((g) => (
          <tr key={`${g.key}/${g.currency}`}>
            <TD>{keyLabel(g.key, groupBy)}</TD>
            <TD className="text-right tabular-nums">{formatMoney(g.amount, g.currency)}</TD>
          </tr>
        ))}
      </TBody>
    </Table>
  );
}
