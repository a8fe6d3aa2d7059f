//! `GET /v1/orgs/{org}/runs`: the organisation's newest runs across its deployments.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient } from '@/lib/api-client';
import { timestampSchema, type Equals, type Expect } from '@/lib/api-common';
import type { components } from '@/lib/api-schema';
import { runKindValues, runStatusValues } from '@/lib/api-schema';

export const recentRunSchema = z.object({
  id: z.string(),
  deployment_id: z.string(),
  deployment_name: z.string(),
  /// plan_and_apply or destroy
  kind: z.enum(runKindValues),
  status: z.enum(runStatusValues),
  created_at: timestampSchema,
  updated_at: timestampSchema,
});
export type RecentRun = z.infer<typeof recentRunSchema>;
export type _RecentRunMatchesContract = Expect<Equals<RecentRun, components['schemas']['RecentRunView']>>;

const recentRunListSchema = z.object({ items: z.array(recentRunSchema) });
export type _RecentRunListMatchesContract = Expect<
  Equals<z.infer<typeof recentRunListSchema>, components['schemas']['RecentRunList']>
>;

/// How many runs the card shows.
export const RECENT_RUNS_SHOWN = 5;

/// While a run is under way the card refreshes, so its status catches up.
export const RECENT_RUNS_POLL_MS = 5000;

const FINAL = ['applied', 'errored', 'cancelled', 'discarded'];

export function recentRunsQueryOptions(orgId: string) {
  return queryOptions({
    queryKey: ['orgs', orgId, 'runs', 'recent'],
    // runs move on elsewhere (builds, other people); reading them again is one small GetItem
    staleTime: 0,
    queryFn: ({ signal }) =>
      apiClient.get(`/v1/orgs/${encodeURIComponent(orgId)}/runs`, recentRunListSchema, {
        query: { limit: RECENT_RUNS_SHOWN },
        signal,
      }),
    refetchInterval: (query) =>
      query.state.data?.items.some((run) => !FINAL.includes(run.status)) ? RECENT_RUNS_POLL_MS : false,
  });
}

export function useRecentRuns(orgId: string) {
  return useQuery(recentRunsQueryOptions(orgId));
}
