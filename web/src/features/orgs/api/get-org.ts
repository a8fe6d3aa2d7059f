//! `GET /v1/orgs/{org}`: one organisation and the caller's role in it.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient } from '@/lib/api-client';
import { roleSchema, timestampSchema, type Equals, type Expect } from '@/lib/api-common';
import type { components } from '@/lib/api-schema';

export const orgSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  created_at: timestampSchema,
});
export type Org = z.infer<typeof orgSchema>;
export type _OrgMatchesContract = Expect<Equals<Org, components['schemas']['OrgView']>>;

export function getOrg(orgId: string, signal?: AbortSignal): Promise<Org> {
  return apiClient.get(`/v1/orgs/${encodeURIComponent(orgId)}`, orgSchema, { signal });
}

export function orgQueryOptions(orgId: string) {
  return queryOptions({
    queryKey: ['orgs', orgId],
    queryFn: ({ signal }) => getOrg(orgId, signal),
  });
}

export function useOrg(orgId: string, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...orgQueryOptions(orgId), enabled });
}
