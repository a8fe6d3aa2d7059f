//! `DELETE /v1/orgs/{org}/members/{user}`: removes a member from the organisation.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { membersQueryOptions } from './get-members';

export function removeMember(orgId: string, userId: string): Promise<void> {
  return apiClient.delete(`/v1/orgs/${encodeURIComponent(orgId)}/members/${encodeURIComponent(userId)}`);
}

type Options = { onSuccess?: (userId: string) => void };

export function useRemoveMember(orgId: string, { onSuccess }: Options = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => removeMember(orgId, userId),
    onSuccess: async (_, userId) => {
      await queryClient.invalidateQueries({ queryKey: membersQueryOptions(orgId).queryKey });
      onSuccess?.(userId);
    },
  });
}
