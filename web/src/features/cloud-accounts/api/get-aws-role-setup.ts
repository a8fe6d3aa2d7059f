//! `GET /v1/orgs/{org}/credentials/aws-role-setup`: what a customer needs to create the
//! read-only AWS role Skyforge assumes.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient } from '@/lib/api-client';
import type { Equals, Expect } from '@/lib/api-common';
import type { components } from '@/lib/api-schema';
import { credentialsPath } from './get-credentials';

export const awsRoleSetupSchema = z.object({
  external_id: z.string(),
  platform_principal: z.string(),
  template_url: z.string(),
  quick_create_url: z.string(),
});
export type AwsRoleSetup = z.infer<typeof awsRoleSetupSchema>;
export type _AwsRoleSetupMatchesContract = Expect<Equals<AwsRoleSetup, components['schemas']['AwsRoleSetupView']>>;

export function getAwsRoleSetup(orgId: string, signal?: AbortSignal): Promise<AwsRoleSetup> {
  return apiClient.get(`${credentialsPath(orgId)}/aws-role-setup`, awsRoleSetupSchema, { signal });
}

export function awsRoleSetupQueryOptions(orgId: string) {
  return queryOptions({
    queryKey: ['orgs', orgId, 'credentials', 'aws-role-setup'],
    queryFn: ({ signal }) => getAwsRoleSetup(orgId, signal),
    staleTime: Infinity,
  });
}

export function useAwsRoleSetup(orgId: string, enabled = true) {
  return useQuery({ ...awsRoleSetupQueryOptions(orgId), enabled });
}
