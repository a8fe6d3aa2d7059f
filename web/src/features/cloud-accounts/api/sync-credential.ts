//! `POST /v1/orgs/{org}/credentials/{id}/sync` queues a sync; `GET .../syncs/{run}` follows
//! it, once a second while it is queued or running.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient } from '@/lib/api-client';
import { timestampSchema, type Equals, type Expect } from '@/lib/api-common';
import type { components } from '@/lib/api-schema';
import { isSyncActive, syncCountsSchema } from '@/lib/sync';
import { credentialPath, credentialsQueryOptions } from './get-credentials';
import { syncStatusValues, syncTriggerValues } from '@/lib/api-schema';

export const syncErrorSchema = z.object({
  region: z.string(),
  code: z.string(),
  message: z.string(),
});
export type _SyncErrorMatchesContract = Expect<Equals<z.infer<typeof syncErrorSchema>, components['schemas']['SyncErrorView']>>;

export const syncRunSchema = z.object({
  id: z.string(),
  credential_id: z.string(),
  /// schedule, manual or deployment
  trigger: z.enum(syncTriggerValues),
  /// queued, running, succeeded, partial or failed
  status: z.enum(syncStatusValues),
  queued_at: timestampSchema,
  started_at: timestampSchema.nullish(),
  finished_at: timestampSchema.nullish(),
  counts: syncCountsSchema,
  errors: z.array(syncErrorSchema),
});
export type SyncRun = z.infer<typeof syncRunSchema>;
export type _SyncRunMatchesContract = Expect<Equals<SyncRun, components['schemas']['SyncRunView']>>;

/// How often a queued or running sync is polled.
export const SYNC_POLL_MS = 1000;

export function startSync(orgId: string, credentialId: string): Promise<SyncRun> {
  return apiClient.post(`${credentialPath(orgId, credentialId)}/sync`, undefined, syncRunSchema);
}

export function getSyncRun(orgId: string, credentialId: string, runId: string, signal?: AbortSignal): Promise<SyncRun> {
  return apiClient.get(`${credentialPath(orgId, credentialId)}/syncs/${encodeURIComponent(runId)}`, syncRunSchema, {
    signal,
  });
}

export function syncRunQueryOptions(orgId: string, credentialId: string, runId: string) {
  return queryOptions({
    queryKey: ['orgs', orgId, 'credentials', credentialId, 'syncs', runId],
    queryFn: ({ signal }) => getSyncRun(orgId, credentialId, runId, signal),
    refetchInterval: (query) => (query.state.data && !isSyncActive(query.state.data.status) ? false : SYNC_POLL_MS),
    staleTime: 0,
  });
}

/// Follows a sync run (none while `runId` is null) until it has finished.
export function useSyncRun(orgId: string, credentialId: string, runId: string | null) {
  return useQuery({ ...syncRunQueryOptions(orgId, credentialId, runId ?? ''), enabled: runId !== null });
}

export function useStartSync(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentialId: string) => startSync(orgId, credentialId),
    onSuccess: (run) => {
      // Seed the run's query with the 202 answer so progress shows at once; polling follows.
      queryClient.setQueryData(syncRunQueryOptions(orgId, run.credential_id, run.id).queryKey, run);
    },
  });
}

export function useInvalidateCredentials(orgId: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: credentialsQueryOptions(orgId).queryKey });
}
