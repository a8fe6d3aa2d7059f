//! `POST /v1/orgs/{org}/credentials/{id}/rotate`: replaces a cloud account's secret. The server
//! checks the new one with the provider first (422 `credential_invalid`) and that it reaches the
//! same account (422 `account_mismatch`).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import type { Equals, Expect } from '@/lib/api-common';
import type { components } from '@/lib/api-schema';
import { credentialPath, credentialSchema, credentialsQueryOptions, type Credential } from './get-credentials';

/// The same secret fields as when adding, for the account's provider.
export type RotateCredentialRequest = {
  role_arn?: string | null;
  access_key_id?: string | null;
  secret_access_key?: string | null;
  tenant_id?: string | null;
  client_id?: string | null;
  client_secret?: string | null;
  subscription_ids?: string[] | null;
  service_account_key?: string | null;
  project_ids?: string[] | null;
  billing_export?: string | null;
};
export type _RotateCredentialRequestMatchesContract = Expect<
  Equals<RotateCredentialRequest, components['schemas']['RotateCredentialRequest']>
>;

export function rotateCredential(orgId: string, id: string, body: RotateCredentialRequest): Promise<Credential> {
  return apiClient.post(`${credentialPath(orgId, id)}/rotate`, body, credentialSchema);
}

export function useRotateCredential(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: RotateCredentialRequest }) => rotateCredential(orgId, id, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: credentialsQueryOptions(orgId).queryKey }),
  });
}
