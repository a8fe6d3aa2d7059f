//! `GET /v1/orgs/{org}/inventory`: the organisation's resources, filtered, sorted and paged.
import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient } from '@/lib/api-client';
import { PAGE_SIZE, pageSchema, timestampSchema, type Equals, type Expect, type Page } from '@/lib/api-common';
import {
  inventorySortParamValues,
  providerValues,
  resourceStateValues,
  resourceTypeValues,
  type components,
} from '@/lib/api-schema';
import { findingSchema } from '@/lib/compliance';

export const resourceSchema = z.object({
  id: z.string(),
  credential_id: z.string(),
  provider: z.enum(providerValues),
  /// AWS account id, Azure subscription or GCP project.
  account: z.string(),
  region: z.string(),
  type: z.enum(resourceTypeValues),
  native_id: z.string(),
  name: z.string().nullish(),
  state: z.enum(resourceStateValues),
  size: z.string().nullish(),
  public_ips: z.array(z.string()),
  private_ips: z.array(z.string()),
  tags: z.record(z.string(), z.string()),
  attributes: z.record(z.string(), z.string()),
  deployment: z.string().nullish(),
  created_at: timestampSchema.nullish(),
  deleted_at: timestampSchema.nullish(),
  first_seen: timestampSchema,
  last_seen: timestampSchema,
  /// Only in a resource's own detail: its compliance findings.
  findings: z.array(findingSchema).nullish(),
});
export type Resource = z.infer<typeof resourceSchema>;
export type _ResourceMatchesContract = Expect<Equals<Resource, components['schemas']['ResourceView']>>;

export const resourcesPageSchema = pageSchema(resourceSchema);
export type _ResourcesPageMatchesContract = Expect<
  Equals<z.infer<typeof resourcesPageSchema>, components['schemas']['ListOf_ResourceView']>
>;

export const INVENTORY_SORTS = inventorySortParamValues;
export type InventorySort = components['schemas']['InventorySortParam'];

/// The filters the inventory page keeps in its URL; empty strings mean "any".
export type InventoryFilters = {
  provider: string;
  type: string;
  region: string;
  state: string;
  /// `key=value`, or `key` for "has the tag".
  tag: string;
  /// Text in the name or the provider's id.
  q: string;
  sort: InventorySort;
};

export const FILTER_KEYS = ['provider', 'type', 'region', 'state', 'tag', 'q'] as const;

export function filtersFromSearchParams(params: URLSearchParams): InventoryFilters {
  const sort = params.get('sort') ?? 'type';
  return {
    provider: params.get('provider') ?? '',
    type: params.get('type') ?? '',
    region: params.get('region') ?? '',
    state: params.get('state') ?? '',
    tag: params.get('tag') ?? '',
    q: params.get('q') ?? '',
    sort: (INVENTORY_SORTS as readonly string[]).includes(sort) ? (sort as InventorySort) : 'type',
  };
}

type GetInventoryParams = {
  orgId: string;
  filters: InventoryFilters;
  cursor?: string | null;
  limit?: number;
  signal?: AbortSignal;
};

export function getInventory({ orgId, filters, cursor, limit = PAGE_SIZE, signal }: GetInventoryParams): Promise<Page<Resource>> {
  return apiClient.get(`/v1/orgs/${encodeURIComponent(orgId)}/inventory`, resourcesPageSchema, {
    query: {
      provider: filters.provider,
      type: filters.type,
      region: filters.region.trim(),
      state: filters.state,
      tag: filters.tag.trim(),
      q: filters.q.trim(),
      // The server's default; left out so the URL stays short.
      sort: filters.sort === 'type' ? undefined : filters.sort,
      limit,
      cursor,
    },
    signal,
  });
}

export function inventoryQueryOptions(orgId: string, filters: InventoryFilters) {
  return infiniteQueryOptions({
    queryKey: ['orgs', orgId, 'inventory', 'list', filters],
    queryFn: ({ pageParam, signal }) => getInventory({ orgId, filters, cursor: pageParam, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
  });
}

/// Keeps showing the previous results while those of new filters load.
export function useInventory(orgId: string, filters: InventoryFilters) {
  return useInfiniteQuery({ ...inventoryQueryOptions(orgId, filters), placeholderData: keepPreviousData });
}
