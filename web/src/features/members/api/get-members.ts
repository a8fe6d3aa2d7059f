//! `GET /v1/orgs/{org}/members`: the members of an organisation, a page at a time.
import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient } from '@/lib/api-client';
import {
  PAGE_SIZE,
  pageSchema,
  roleSchema,
  timestampSchema,
  type Equals,
  type Expect,
  type Page,
} from '@/lib/api-common';
import type { components } from '@/lib/api-schema';

export const memberSchema = z.object({
  user_id: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  joined_at: timestampSchema,
});
export type Member = z.infer<typeof memberSchema>;
export type _MemberMatchesContract = Expect<Equals<Member, components['schemas']['MemberView']>>;

export const membersPageSchema = pageSchema(memberSchema);
export type _MembersPageMatchesContract = Expect<
  Equals<z.infer<typeof membersPageSchema>, components['schemas']['ListOf_MemberView']>
>;

type GetMembersParams = { orgId: string; cursor?: string | null; limit?: number; signal?: AbortSignal };

export function getMembers({ orgId, cursor, limit = PAGE_SIZE, signal }: GetMembersParams): Promise<Page<Member>> {
  return apiClient.get(`/v1/orgs/${encodeURIComponent(orgId)}/members`, membersPageSchema, {
    query: { limit, cursor },
    signal,
  });
}

export function membersQueryOptions(orgId: string) {
  return infiniteQueryOptions({
    queryKey: ['orgs', orgId, 'members'],
    queryFn: ({ pageParam, signal }) => getMembers({ orgId, cursor: pageParam, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
  });
}

export function useMembers(orgId: string) {
  return useInfiniteQuery(membersQueryOptions(orgId));
}
