//! `GET /v1/orgs/{org}/inventory/{resource}` and its `/history`: one resource and its changes.
import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient } from '@/lib/api-client';
import { PAGE_SIZE, pageSchema, timestampSchema, type Equals, type Expect, type Page } from '@/lib/api-common';
import type { components } from '@/lib/api-schema';
import { resourceSchema, type Resource } from './get-inventory';
import { changeKindValues } from '@/lib/api-schema';

const resourcePath = (orgId: string, resourceId: string) =>
  `/v1/orgs/${encodeURIComponent(orgId)}/inventory/${encodeURIComponent(resourceId)}`;

export function getResource(orgId: string, resourceId: string, signal?: AbortSignal): Promise<Resource> {
  return apiClient.get(resourcePath(orgId, resourceId), resourceSchema, { signal });
}

export function resourceQueryOptions(orgId: string, resourceId: string) {
  return queryOptions({
    queryKey: ['orgs', orgId, 'inventory', 'resource', resourceId],
    queryFn: ({ signal }) => getResource(orgId, resourceId, signal),
  });
}

export function useResource(orgId: string, resourceId: string, placeholder?: Resource) {
  return useQuery({ ...resourceQueryOptions(orgId, resourceId), placeholderData: placeholder });
}

export const fieldChangeSchema = z.object({
  /// name, state, size, public_ips, private_ips, tags.<key>, attributes.<key>
  field: z.string(),
  from: z.string().nullish(),
  to: z.string().nullish(),
});
export type FieldChange = z.infer<typeof fieldChangeSchema>;
export type _FieldChangeMatchesContract = Expect<Equals<FieldChange, components['schemas']['FieldChangeView']>>;

export const historyEntrySchema = z.object({
  at: timestampSchema,
  sync_run_id: z.string(),
  /// created, changed, deleted or reappeared
  change: z.enum(changeKindValues),
  changes: z.array(fieldChangeSchema),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
export type _HistoryEntryMatchesContract = Expect<Equals<HistoryEntry, components['schemas']['HistoryEntryView']>>;

export const historyPageSchema = pageSchema(historyEntrySchema);
export type _HistoryPageMatchesContract = Expect<
  Equals<z.infer<typeof historyPageSchema>, components['schemas']['ListOf_HistoryEntryView']>
>;

type GetHistoryParams = { orgId: string; resourceId: string; cursor?: string | null; signal?: AbortSignal };

export function getResourceHistory({ orgId, resourceId, cursor, signal }: GetHistoryParams): Promise<Page<HistoryEntry>> {
  return apiClient.get(`${resourcePath(orgId, resourceId)}/history`, historyPageSchema, {
    query: { limit: PAGE_SIZE, cursor },
    signal,
  });
}

export function resourceHistoryQueryOptions(orgId: string, resourceId: string) {
  return infiniteQueryOptions({
    queryKey: ['orgs', orgId, 'inventory', 'resource', resourceId, 'history'],
    queryFn: ({ pageParam, signal }) => getResourceHistory({ orgId, resourceId, cursor: pageParam, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
  });
}

export function useResourceHistory(orgId: string, resourceId: string) {
  return useInfiniteQuery(resourceHistoryQueryOptions(orgId, resourceId));
}
