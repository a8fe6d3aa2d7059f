//! `GET /v1/orgs/{org}/dashboard`: the organisation's summary: totals, running VMs, and each
//! cloud account's last sync and region health.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient } from '@/lib/api-client';
import type { Equals, Expect } from '@/lib/api-common';
import type { components } from '@/lib/api-schema';
import { costOverviewSchema } from '@/lib/costs';
import { isSyncActive, syncSummarySchema } from '@/lib/sync';
import { providerValues } from '@/lib/api-schema';

const countsSchema = z.record(z.string(), z.number().int());

export const totalsSchema = z.object({
  resources: z.number().int(),
  by_provider: countsSchema,
  by_type: countsSchema,
  by_state: countsSchema,
  /// `provider/type/state` → count.
  by_provider_type_state: countsSchema,
});
export type _TotalsMatchesContract = Expect<Equals<z.infer<typeof totalsSchema>, components['schemas']['TotalsView']>>;

export const regionHealthSchema = z.object({
  region: z.string(),
  ok: z.boolean(),
  latency_ms: z.number().int(),
});
export type RegionHealth = z.infer<typeof regionHealthSchema>;
export type _RegionHealthMatchesContract = Expect<Equals<RegionHealth, components['schemas']['RegionHealthView']>>;

export const credentialStatusSchema = z.object({
  credential_id: z.string(),
  name: z.string(),
  provider: z.enum(providerValues).nullish(),
  resources: z.number().int(),
  last_sync: syncSummarySchema.nullish(),
  health: z.array(regionHealthSchema),
});
export type CredentialStatus = z.infer<typeof credentialStatusSchema>;
export type _CredentialStatusMatchesContract = Expect<
  Equals<CredentialStatus, components['schemas']['CredentialStatusView']>
>;

export const dashboardSchema = z.object({
  totals: totalsSchema,
  running_vms: z.number().int(),
  credentials: z.array(credentialStatusSchema),
  costs: costOverviewSchema.nullish(),
});
export type Dashboard = z.infer<typeof dashboardSchema>;
export type _DashboardMatchesContract = Expect<Equals<Dashboard, components['schemas']['DashboardView']>>;

export function getDashboard(orgId: string, signal?: AbortSignal): Promise<Dashboard> {
  return apiClient.get(`/v1/orgs/${encodeURIComponent(orgId)}/dashboard`, dashboardSchema, { signal });
}

/// How often the dashboard reloads while a cloud account is syncing, so its totals and last
/// sync catch up without a page reload.
export const DASHBOARD_SYNC_POLL_MS = 5000;

export function dashboardQueryOptions(orgId: string) {
  return queryOptions({
    queryKey: ['orgs', orgId, 'dashboard'],
    queryFn: ({ signal }) => getDashboard(orgId, signal),
    refetchInterval: (query) =>
      query.state.data?.credentials.some((c) => c.last_sync && isSyncActive(c.last_sync.status))
        ? DASHBOARD_SYNC_POLL_MS
        : false,
  });
}

export function useDashboard(orgId: string) {
  return useQuery(dashboardQueryOptions(orgId));
}
