//! `GET /v1/orgs/{org}/costs/recommendations`: savings found in the synced inventory.
import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient } from '@/lib/api-client';
import { PAGE_SIZE, pageSchema, type Equals, type Expect } from '@/lib/api-common';
import type { components } from '@/lib/api-schema';
import { providerValues, resourceTypeValues, ruleValues } from '@/lib/api-schema';

export const affectedResourceSchema = z.object({
  id: z.string(),
  type: z.enum(resourceTypeValues),
  native_id: z.string(),
  name: z.string().nullish(),
  region: z.string(),
  monthly_cost: z.string(),
});
export type _AffectedResourceMatchesContract = Expect<
  Equals<z.infer<typeof affectedResourceSchema>, components['schemas']['AffectedResourceView']>
>;

export const recommendationSchema = z.object({
  id: z.string(),
  rule: z.enum(ruleValues),
  provider: z.enum(providerValues),
  action: z.string(),
  resources: z.array(affectedResourceSchema),
  monthly_saving: z.string(),
  currency: z.string(),
  prices_as_of: z.string(),
});
export type Recommendation = z.infer<typeof recommendationSchema>;
export type _RecommendationMatchesContract = Expect<
  Equals<Recommendation, components['schemas']['RecommendationView']>
>;
const recommendationsPageSchema = pageSchema(recommendationSchema);
export type _RecommendationsPageMatchesContract = Expect<
  Equals<z.infer<typeof recommendationsPageSchema>, components['schemas']['ListOf_RecommendationView']>
>;

export const RULE_LABELS: Record<string, string> = {
  idle_stopped_vm: 'Stopped VM',
  stopped_vm_disks: 'Disks of a stopped VM',
  unattached_disk: 'Unattached disk',
  unassociated_public_ip: 'Unused public IP',
};

export function recommendationsQueryOptions(orgId: string) {
  return infiniteQueryOptions({
    queryKey: ['orgs', orgId, 'costs', 'recommendations'],
    queryFn: ({ pageParam, signal }) =>
      apiClient.get(`/v1/orgs/${encodeURIComponent(orgId)}/costs/recommendations`, recommendationsPageSchema, {
        query: { limit: PAGE_SIZE, cursor: pageParam },
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
  });
}

export function useRecommendations(orgId: string) {
  return useInfiniteQuery(recommendationsQueryOptions(orgId));
}
