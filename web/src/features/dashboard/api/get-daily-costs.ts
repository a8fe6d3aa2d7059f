//! The last 30 days' cost by day for the dashboard chart (`GET .../costs?group_by=day`).
import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient } from '@/lib/api-client';
import { costGroupSchema } from '@/lib/costs';

/// The part of the cost report the chart needs.
const dailyCostsSchema = z.object({ from: z.string(), to: z.string(), groups: z.array(costGroupSchema) });

export function dailyCostsQueryOptions(orgId: string) {
  return queryOptions({
    queryKey: ['orgs', orgId, 'costs', 'dashboard-daily'],
    queryFn: ({ signal }) =>
      apiClient.get(`/v1/orgs/${encodeURIComponent(orgId)}/costs`, dailyCostsSchema, { query: { group_by: 'day' }, signal }),
  });
}

export function useDailyCosts(orgId: string, enabled: boolean) {
  return useQuery({ ...dailyCostsQueryOptions(orgId), enabled });
}
