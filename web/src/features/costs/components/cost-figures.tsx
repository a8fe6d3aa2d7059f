//! Month to date, forecast and changes, one line per currency (currencies are never summed).
import type { Change, CostOverview, Money } from '@/lib/costs';
import { formatMoney, formatPercent } from '@/lib/costs';

export function MoneyList({ amounts, empty = '—' }: { amounts: Money[]; empty?: string }) {
  if (amounts.length === 0) return <span className="text-zinc-400">{empty}</span>;
  return (
    <span className="flex flex-col">
      {amounts.map((m) => (
        <span key={m.currency} data-currency={m.currency}>
          {formatMoney(m.amount, m.currency)}
        </span>
      ))}
    </span>
  );
}

function ChangeList({ changes }: { changes: Change[] }) {
  if (changes.length === 0) return <span className="text-zinc-400">—</span>;
  return (
    <span className="flex flex-col">
      {changes.map((c) => {
        const delta = Number(c.delta);
        const percent = formatPercent(c.percent);
        return (
          <span key={c.currency} className={delta > 0 ? 'text-red-700' : delta < 0 ? 'text-emerald-700' : undefined}>
            {delta > 0 ? '+' : ''}
            {formatMoney(c.delta, c.currency)}
            {percent ? <span className="ml-1 text-sm">({percent})</span> : null}
          </span>
        );
      })}
    </span>
  );
}

export function CostFigures({ overview }: { overview: CostOverview }) {
  const figures = [
    { label: 'Month to date', value: <MoneyList amounts={overview.month_to_date} /> },
    { label: 'Forecast, month end', value: <MoneyList amounts={overview.forecast_month_end} /> },
    { label: 'Last month', value: <MoneyList amounts={overview.last_month} /> },
    { label: 'Month over month', value: <ChangeList changes={overview.month_over_month} /> },
    { label: 'Day over day', value: <ChangeList changes={overview.day_over_day} /> },
  ];
  return (
    <dl className="grid grid-cols-1 gap-4 sm:grid-cols-3 lg:grid-cols-5">
      {figures.map((f) => (
        <div key={f.label} className="rounded-lg border border-zinc-200 bg-white px-4 py-3 shadow-xs">
          <dt className="text-sm text-zinc-600">{f.label}</dt>
          <dd className="mt-1 text-lg font-semibold tracking-tight text-zinc-900 tabular-nums">{f.value}</dd>
        </div>
      ))}
    </dl>
  );
}
