//! Cost schemas and formatting shared by the dashboard and the costs page (features never
//! import each other). Amounts are decimal strings next to their currency: amounts in
//! different currencies are never added, here or on the server.
import { z } from 'zod';
import type { Equals, Expect } from './api-common';
import type { components } from './api-schema';
import { PROVIDERS } from './providers';
import { providerValues } from './api-schema';

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

/// One provider's cost on one day in one currency (the report's `series`).
export const providerDaySchema = z.object({
  day: z.string(),
  provider: z.enum(providerValues),
  currency: z.string(),
  amount: z.string(),
});
export type ProviderDay = z.infer<typeof providerDaySchema>;
export type _ProviderDayMatchesContract = Expect<Equals<ProviderDay, components['schemas']['ProviderDayView']>>;

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

/// The days `from` to `to` (YYYY-MM-DD, inclusive; at most 400, the API's longest range is 366).
export function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  const end = new Date(`${to}T00:00:00Z`);
  for (let d = new Date(`${from}T00:00:00Z`); d <= end && days.length < 400; d.setUTCDate(d.getUTCDate() + 1)) {
    days.push(d.toISOString().slice(0, 10));
  }
  return days;
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
  return daysOf(from, to).map((day) => ({ day, amount: amounts.get(day) ?? 0 }));
}

/// One currency's daily cost by provider, ready to stack: the providers that had costs (AWS,
/// Azure, GCP first, then any other, so colours and order never jump), a row per day of the
/// range with each provider's amount (0 where it had none), and each provider's total.
export type ProviderSeries = {
  providers: string[];
  rows: Array<{ day: string; amounts: Record<string, number> }>;
  totals: Record<string, number>;
};

export function providerSeries(
  points: ReadonlyArray<ProviderDay>,
  currency: string,
  from: string,
  to: string,
): ProviderSeries {
  const byDay = new Map<string, Record<string, number>>();
  const totals: Record<string, number> = {};
  for (const p of points) {
    if (p.currency !== currency) continue;
    const amount = Number(p.amount);
    const day = byDay.get(p.day) ?? {};
    day[p.provider] = (day[p.provider] ?? 0) + amount;
    byDay.set(p.day, day);
    totals[p.provider] = (totals[p.provider] ?? 0) + amount;
  }
  const rank = (provider: string) => {
    const known = (PROVIDERS as ReadonlyArray<string>).indexOf(provider);
    return known === -1 ? PROVIDERS.length : known;
  };
  const providers = Object.keys(totals).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const rows = daysOf(from, to).map((day) => {
    const found = byDay.get(day) ?? {};
    return { day, amounts: Object.fromEntries(providers.map((p) => [p, found[p] ?? 0])) };
  });
  return { providers, rows, totals };
}
