//! `POST /v1/orgs/{org}/members`: adds an existing user, by email, with a role.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient } from '@/lib/api-client';
import { roleSchema, type Equals, type Expect } from '@/lib/api-common';
import type { components } from '@/lib/api-schema';
import { memberSchema, membersQueryOptions, type Member } from './get-members';

export const addMemberInputSchema = z.object({
  email: z.email('Enter a valid email address.'),
  role: roleSchema,
});
/// The form's values; `role` is one of the four roles.
export type AddMemberInput = z.infer<typeof addMemberInputSchema>;

/// The request body.
export type AddMemberRequest = { email: string; role: components['schemas']['Role'] };
export type _AddMemberRequestMatchesContract = Expect<
  Equals<AddMemberRequest, components['schemas']['AddMemberRequest']>
>;

export function addMember(orgId: string, input: AddMemberRequest): Promise<Member> {
  return apiClient.post(`/v1/orgs/${encodeURIComponent(orgId)}/members`, input, memberSchema);
}

export function useAddMember(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: AddMemberInput) => addMember(orgId, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: membersQueryOptions(orgId).queryKey }),
  });
}
