//! Cost schemas and formatting shared by the dashboard and the costs page (features never
//! import each other). Amounts are decimal strings next to their currency: amounts in
//! different currencies are never added, here or on the server.
import { z } from 'zod';
import type { Equals, Expect } from './api-common';
import type { components } from './api-schema';

export const moneySchema = z.object({ currency: z.string(), amount: z.string() });
export type Money = z.infer<typeof moneySchema>;
export type _MoneyMatchesContract = Expect<Equals<Money, components['schemas']['MoneyView']>>;

export const changeSchema = z.object({
  currency: z.string(),
  current: z.string(),
  previous: z.string(),
  delta: z.string(),
  percent: z.string().nullish(),
});
export type Change = z.infer<typeof changeSchema>;
export type _ChangeMatchesContract = Expect<Equals<Change, components['schemas']['ChangeView']>>;

export const costOverviewSchema = z.object({
  month_to_date: z.array(moneySchema),
  last_month: z.array(moneySchema),
  forecast_month_end: z.array(moneySchema),
  day_over_day: z.array(changeSchema),
  month_over_month: z.array(changeSchema),
});
export type CostOverview = z.infer<typeof costOverviewSchema>;
export type _CostOverviewMatchesContract = Expect<Equals<CostOverview, components['schemas']['CostOverviewView']>>;

export const costGroupSchema = z.object({ key: z.string(), currency: z.string(), amount: z.string() });
export type CostGroup = z.infer<typeof costGroupSchema>;
export type _CostGroupMatchesContract = Expect<Equals<CostGroup, components['schemas']['CostGroupView']>>;

const formatters = new Map<string, Intl.NumberFormat>();

/// "$1,234.50", "€12.00"; an unknown currency code falls back to "12.00 XYZ".
export function formatMoney(amount: string | number, currency: string): string {
  const value = typeof amount === 'number' ? amount : Number(amount);
  let formatter = formatters.get(currency);
  if (!formatter) {
    try {
      formatter = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    } catch {
      return `${value.toFixed(2)} ${currency}`;
    }
    formatters.set(currency, formatter);
  }
  return formatter.format(value);
}

/// "+12.5%" / "−3.0%"; null when there was nothing to compare with.
export function formatPercent(percent: string | null | undefined): string | null {
  if (percent == null) return null;
  const value = Number(percent);
  return `${value > 0 ? '+' : ''}${value.toFixed(1)}%`;
}

/// The distinct currencies of some amounts, in first-seen order.
export function currenciesOf(items: ReadonlyArray<{ currency: string }>): string[] {
  return [...new Set(items.map((i) => i.currency))];
}

/// The range's days, `from` to `to` (YYYY-MM-DD, inclusive), with the amount of each day in
/// one currency; days without a row are 0 so the chart's axis has no gaps.
export function dailySeries(
  byDay: ReadonlyArray<CostGroup>,
  currency: string,
  from: string,
  to: string,
): Array<{ day: string; amount: number }> {
  const amounts = new Map<string, number>();
  for (const g of byDay) if (g.currency === currency) amounts.set(g.key, (amounts.get(g.key) ?? 0) + Number(g.amount));
  const series: Array<{ day: string; amount: number }> = [];
  const end = new Date(`${to}T00:00:00Z`);
  for (let d = new Date(`${from}T00:00:00Z`); d <= end && series.length < 400; d.setUTCDate(d.getUTCDate() + 1)) {
    const day = d.toISOString().slice(0, 10);
    series.push({ day, amount: amounts.get(day) ?? 0 });
  }
  return series;
}
