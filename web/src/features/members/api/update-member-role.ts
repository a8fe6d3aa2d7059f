//! `PATCH /v1/orgs/{org}/members/{user}`: changes a member's role.
import { useMutation, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import type { Equals, Expect, Page, Role } from '@/lib/api-common';
import type { components } from '@/lib/api-schema';
import { memberSchema, membersQueryOptions, type Member } from './get-members';

export type UpdateMemberRoleInput = { userId: string; role: Role };

/// The request body.
export type UpdateMemberRequest = { role: Role };
export type _UpdateMemberRequestMatchesContract = Expect<
  Equals<UpdateMemberRequest, components['schemas']['UpdateMemberRequest']>
>;

export function updateMemberRole(orgId: string, { userId, role }: UpdateMemberRoleInput): Promise<Member> {
  const body: UpdateMemberRequest = { role };
  return apiClient.patch(
    `/v1/orgs/${encodeURIComponent(orgId)}/members/${encodeURIComponent(userId)}`,
    body,
    memberSchema,
  );
}

type Options = { onSuccess?: (member: Member) => void };

export function useUpdateMemberRole(orgId: string, { onSuccess }: Options = {}) {
  const queryClient = useQueryClient();
  const { queryKey } = membersQueryOptions(orgId);
  return useMutation({
    mutationFn: (input: UpdateMemberRoleInput) => updateMemberRole(orgId, input),
    onSuccess: async (updated) => {
      // Show the new role at once, then reload the list to pick up any other change.
      queryClient.setQueryData<InfiniteData<Page<Member>, string | null>>(queryKey, (data) =>
        data
          ? {
              ...data,
              pages: data.pages.map((page) => ({
                ...page,
                items: page.items.map((member) => (member.user_id === updated.user_id ? updated : member)),
              })),
            }
          : data,
      );
      await queryClient.invalidateQueries({ queryKey });
      onSuccess?.(updated);
    },
  });
}
