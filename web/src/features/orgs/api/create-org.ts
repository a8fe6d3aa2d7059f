//! `POST /v1/orgs`: creates an organisation with the caller as its owner.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient } from '@/lib/api-client';
import type { Equals, Expect } from '@/lib/api-common';
import type { components } from '@/lib/api-schema';
import { orgQueryOptions, orgSchema, type Org } from './get-org';

export const createOrgInputSchema = z.object({
  name: z.string().trim().min(1, 'Enter a name.').max(100, 'Use at most 100 characters.'),
});
export type CreateOrgInput = z.infer<typeof createOrgInputSchema>;
export type _CreateOrgInputMatchesContract = Expect<Equals<CreateOrgInput, components['schemas']['CreateOrgRequest']>>;

/// The new organisation, as `GET /v1/orgs/{org}` would return it (the caller is its owner).
export function createOrg(input: CreateOrgInput): Promise<Org> {
  return apiClient.post('/v1/orgs', input, orgSchema, {});
}

type UseCreateOrgOptions = {
  /// The caller refreshes what lists organisations (the `/v1/me` query belongs to the auth
  /// feature, which this feature does not import).
  onSuccess?: (org: Org) => void | Promise<void>;
};

export function useCreateOrg({ onSuccess }: UseCreateOrgOptions = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createOrg,
    onSuccess: async (org) => {
      await queryClient.invalidateQueries({ queryKey: orgQueryOptions(org.id).queryKey });
      await onSuccess?.(org);
    },
  });
}
