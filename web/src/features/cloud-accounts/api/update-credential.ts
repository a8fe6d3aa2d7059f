//! `PATCH` and `DELETE /v1/orgs/{org}/credentials/{id}`: turn sync on or off, rename, or
//! disconnect a cloud account.
import { useMutation, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import type { Equals, Expect, Page } from '@/lib/api-common';
import type { components } from '@/lib/api-schema';
import { credentialPath, credentialSchema, credentialsQueryOptions, type Credential } from './get-credentials';

export type UpdateCredentialRequest = {
  name?: string | null;
  regions?: string[] | null;
  sync_enabled?: boolean | null;
};
export type _UpdateCredentialRequestMatchesContract = Expect<
  Equals<UpdateCredentialRequest, components['schemas']['UpdateCredentialRequest']>
>;

export function updateCredential(orgId: string, id: string, body: UpdateCredentialRequest): Promise<Credential> {
  return apiClient.patch(credentialPath(orgId, id), body, credentialSchema);
}

export function useUpdateCredential(orgId: string) {
  const queryClient = useQueryClient();
  const { queryKey } = credentialsQueryOptions(orgId);
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateCredentialRequest }) => updateCredential(orgId, id, body),
    onSuccess: async (updated) => {
      queryClient.setQueryData<InfiniteData<Page<Credential>, string | null>>(queryKey, (data) =>
        data
          ? {
              ...data,
              pages: data.pages.map((page) => ({
                ...page,
                items: page.items.map((item) => (item.id === updated.id ? updated : item)),
              })),
            }
          : data,
      );
      await queryClient.invalidateQueries({ queryKey });
    },
  });
}

export function deleteCredential(orgId: string, id: string): Promise<void> {
  return apiClient.delete(credentialPath(orgId, id));
}

export function useDeleteCredential(orgId: string, { onSuccess }: { onSuccess?: () => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => deleteCredential(orgId, id),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: credentialsQueryOptions(orgId).queryKey });
      onSuccess?.();
    },
  });
}
