//! `DELETE /v1/tokens/{id}`: revokes a token; calls made with it fail from then on.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import { tokensQueryOptions } from './get-tokens';

export function revokeToken(tokenId: string): Promise<void> {
  return apiClient.delete(`/v1/tokens/${encodeURIComponent(tokenId)}`);
}

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeToken,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokensQueryOptions().queryKey }),
  });
}
