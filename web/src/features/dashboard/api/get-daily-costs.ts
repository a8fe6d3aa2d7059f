//! The last 30 days' daily cost by provider for the dashboard chart (`GET .../costs`, its
//! `series`: one point per day, provider and currency).
import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient } from '@/lib/api-client';
import { providerDaySchema } from '@/lib/costs';

/// The part of the cost report the chart needs (the default range: the last 30 days).
const dailyCostsSchema = z.object({ from: z.string(), to: z.string(), series: z.array(providerDaySchema) });
export type DailyCosts = z.infer<typeof dailyCostsSchema>;

export function dailyCostsQueryOptions(orgId: string) {
  return queryOptions({
    queryKey: ['orgs', orgId, 'costs', 'dashboard-daily'],
    queryFn: ({ signal }) =>
      apiClient.get(`/v1/orgs/${encodeURIComponent(orgId)}/costs`, dailyCostsSchema, { signal }),
  });
}

export function useDailyCosts(orgId: string, enabled: boolean) {
  return useQuery({ ...dailyCostsQueryOptions(orgId), enabled });
}
