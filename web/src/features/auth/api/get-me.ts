//! `GET /v1/me`: the signed-in user and the organisations they belong to.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient } from '@/lib/api-client';
import { roleSchema, timestampSchema, type Equals, type Expect } from '@/lib/api-common';
import type { components } from '@/lib/api-schema';

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  created_at: timestampSchema,
});
export type User = z.infer<typeof userSchema>;
export type _UserMatchesContract = Expect<Equals<User, components['schemas']['UserView']>>;

/// An organisation the user belongs to, with their role in it (the backend's `OrgView`).
export const membershipSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  created_at: timestampSchema,
});
export type Membership = z.infer<typeof membershipSchema>;
export type _MembershipMatchesContract = Expect<Equals<Membership, components['schemas']['OrgView']>>;

export const meSchema = z.object({
  user: userSchema,
  organizations: z.array(membershipSchema),
});
export type Me = z.infer<typeof meSchema>;
export type _MeMatchesContract = Expect<Equals<Me, components['schemas']['MeResponse']>>;

export function getMe(signal?: AbortSignal): Promise<Me> {
  return apiClient.get('/v1/me', meSchema, { signal });
}

export function meQueryOptions() {
  return queryOptions({
    queryKey: ['me'],
    queryFn: ({ signal }) => getMe(signal),
  });
}

export function useMe() {
  return useQuery(meQueryOptions());
}
