//! `GET /v1/orgs/{org}/costs`: the organisation's costs over a range, grouped, with month to
//! date, forecast, changes and top services (every figure per currency).
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient } from '@/lib/api-client';
import { timestampSchema, type Equals, type Expect } from '@/lib/api-common';
import { groupByValues, providerValues, type components } from '@/lib/api-schema';
import { costGroupSchema, costOverviewSchema, moneySchema, providerDaySchema } from '@/lib/costs';

export const GROUP_BYS = groupByValues;
export type GroupBy = components['schemas']['GroupBy'];
export const GROUP_BY_LABELS: Record<GroupBy, string> = {
  provider: 'Provider',
  service: 'Service',
  credential: 'Cloud account',
  day: 'Day',
};

export const costRefreshSchema = z.object({
  credential_id: z.string(),
  provider: z.enum(providerValues),
  refreshed_at: timestampSchema,
  from: z.string(),
  to: z.string(),
  rows: z.number().int(),
  requests: z.number().int(),
  error: z.string().nullish(),
});
export type _CostRefreshMatchesContract = Expect<
  Equals<z.infer<typeof costRefreshSchema>, components['schemas']['CostRefreshView']>
>;

export const costReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  group_by: z.enum(groupByValues),
  groups: z.array(costGroupSchema),
  /// The daily cost by provider (the dashboard charts it).
  series: z.array(providerDaySchema),
  totals: z.array(moneySchema),
  overview: costOverviewSchema,
  top_services: z.array(costGroupSchema),
  refreshes: z.array(costRefreshSchema),
});
export type CostReport = z.infer<typeof costReportSchema>;
export type _CostReportMatchesContract = Expect<Equals<CostReport, components['schemas']['CostReportView']>>;

export type CostQuery = { from: string; to: string; groupBy: GroupBy };

export function getCosts(orgId: string, query: CostQuery, signal?: AbortSignal): Promise<CostReport> {
  return apiClient.get(`/v1/orgs/${encodeURIComponent(orgId)}/costs`, costReportSchema, {
    query: { from: query.from, to: query.to, group_by: query.groupBy },
    signal,
  });
}

export function costsQueryOptions(orgId: string, query: CostQuery) {
  return queryOptions({
    queryKey: ['orgs', orgId, 'costs', query],
    queryFn: ({ signal }) => getCosts(orgId, query, signal),
    placeholderData: keepPreviousData,
  });
}

export function useCosts(orgId: string, query: CostQuery, enabled = true) {
  return useQuery({ ...costsQueryOptions(orgId, query), enabled });
}

const iso = (d: Date) => d.toISOString().slice(0, 10);

/// The range presets, computed in UTC like the API's days.
export function rangePreset(preset: 'last30' | 'thisMonth' | 'lastMonth', now = new Date()): { from: string; to: string } {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  if (preset === 'thisMonth') return { from: iso(new Date(Date.UTC(y, m, 1))), to: iso(now) };
  if (preset === 'lastMonth') return { from: iso(new Date(Date.UTC(y, m - 1, 1))), to: iso(new Date(Date.UTC(y, m, 0))) };
  const from = new Date(now);
  from.setUTCDate(from.getUTCDate() - 29);
  return { from: iso(from), to: iso(now) };
}
