//! `GET /v1/orgs/{org}/credentials`: the organisation's connected cloud accounts.
import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient } from '@/lib/api-client';
import { PAGE_SIZE, pageSchema, timestampSchema, type Equals, type Expect, type Page } from '@/lib/api-common';
import type { components } from '@/lib/api-schema';
import { isSyncActive, pendingSyncSchema, syncSummarySchema } from '@/lib/sync';
import { credentialMethodValues, providerValues } from '@/lib/api-schema';

/// A connected cloud account. Never contains its secret.
export const credentialSchema = z.object({
  id: z.string(),
  /// aws, azure or gcp
  provider: z.enum(providerValues),
  name: z.string(),
  /// access_key, role, service_principal or service_account
  method: z.enum(credentialMethodValues),
  /// A masked key id, the role ARN, a client id or email.
  hint: z.string(),
  account_id: z.string().nullish(),
  /// Azure subscriptions or GCP projects.
  scopes: z.array(z.string()),
  regions: z.array(z.string()).nullish(),
  sync_enabled: z.boolean(),
  last_sync: syncSummarySchema.nullish(),
  /// The sync queued or running now, if any.
  pending_sync: pendingSyncSchema.nullish(),
  created_at: timestampSchema,
  updated_at: timestampSchema,
});
export type Credential = z.infer<typeof credentialSchema>;
export type _CredentialMatchesContract = Expect<Equals<Credential, components['schemas']['CredentialView']>>;

export const credentialsPageSchema = pageSchema(credentialSchema);
export type _CredentialsPageMatchesContract = Expect<
  Equals<z.infer<typeof credentialsPageSchema>, components['schemas']['ListOf_CredentialView']>
>;

export const credentialsPath = (orgId: string) => `/v1/orgs/${encodeURIComponent(orgId)}/credentials`;
export const credentialPath = (orgId: string, id: string) => `${credentialsPath(orgId)}/${encodeURIComponent(id)}`;

type GetCredentialsParams = { orgId: string; cursor?: string | null; signal?: AbortSignal };

export function getCredentials({ orgId, cursor, signal }: GetCredentialsParams): Promise<Page<Credential>> {
  return apiClient.get(credentialsPath(orgId), credentialsPageSchema, { query: { limit: PAGE_SIZE, cursor }, signal });
}

/// How often the list reloads while one of its accounts is syncing (a scheduled sync, or one
/// started in another tab), so its last sync moves on by itself.
export const CREDENTIALS_SYNC_POLL_MS = 3000;

export function credentialsQueryOptions(orgId: string) {
  return infiniteQueryOptions({
    queryKey: ['orgs', orgId, 'credentials'],
    queryFn: ({ pageParam, signal }) => getCredentials({ orgId, cursor: pageParam, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) =>
        page.items.some(
          (credential) =>
            credential.pending_sync != null || (credential.last_sync && isSyncActive(credential.last_sync.status)),
        ),
      )
        ? CREDENTIALS_SYNC_POLL_MS
        : false,
  });
}

export function useCredentials(orgId: string) {
  return useInfiniteQuery(credentialsQueryOptions(orgId));
}

const METHOD_LABELS: Record<string, string> = {
  access_key: 'Access keys',
  role: 'IAM role',
  service_principal: 'Service principal',
  service_account: 'Service account',
};

export function methodLabel(method: string): string {
  return METHOD_LABELS[method] ?? method;
}
