//! `POST /v1/orgs/{org}/credentials`: connects a cloud account. The server checks it with the
//! provider first: 422 `credential_invalid` when the provider refused it.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiClient } from '@/lib/api-client';
import type { Equals, Expect } from '@/lib/api-common';
import type { components } from '@/lib/api-schema';
import { credentialSchema, credentialsPath, credentialsQueryOptions, type Credential } from './get-credentials';

/// The request body; which secret fields are needed depends on `provider`.
export type AddCredentialRequest = {
  provider: components['schemas']['Provider'];
  name: string;
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
  regions?: string[] | null;
};
export type _AddCredentialRequestMatchesContract = Expect<
  Equals<AddCredentialRequest, components['schemas']['AddCredentialRequest']>
>;

export function addCredential(orgId: string, body: AddCredentialRequest): Promise<Credential> {
  return apiClient.post(credentialsPath(orgId), body, credentialSchema);
}

export function useAddCredential(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AddCredentialRequest) => addCredential(orgId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: credentialsQueryOptions(orgId).queryKey }),
  });
}
