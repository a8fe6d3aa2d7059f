//! `POST /v1/tokens`: creates a personal API token. The response is the only time the
//! secret is ever sent; it is not cached anywhere.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient } from '@/lib/api-client';
import type { Equals, Expect } from '@/lib/api-common';
import type { components } from '@/lib/api-schema';
import { apiTokenSchema, tokenScopeSchema, tokensQueryOptions } from './get-tokens';

/// Today as YYYY-MM-DD in the user's time zone, the format of a date input's value.
function todayIsoDate(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/// The form's values. `expires_at` is a calendar date here (or empty for no expiry) and keeps
/// the request's field name so that server field errors land on it.
export const createTokenFormSchema = z.object({
  name: z.string().trim().min(1, 'Enter a name.').max(100, 'Use at most 100 characters.'),
  scope: tokenScopeSchema,
  expires_at: z
    .string()
    .refine((value) => value === '' || /^\d{4}-\d{2}-\d{2}$/.test(value), 'Enter a date.')
    .refine((value) => value === '' || value > todayIsoDate(), 'Pick a date after today.'),
});
export type CreateTokenForm = z.infer<typeof createTokenFormSchema>;

/// The request body, built from the form by `toCreateTokenInput`. `expires_at` is an RFC 3339
/// timestamp, optional and nullable.
export type CreateTokenInput = {
  name: string;
  scope: components['schemas']['TokenScope'];
  expires_at?: string | null;
};
export type _CreateTokenInputMatchesContract = Expect<
  Equals<CreateTokenInput, components['schemas']['CreateTokenRequest']>
>;

/// A token expires at the end of the chosen day, in UTC.
export function toCreateTokenInput(form: CreateTokenForm): CreateTokenInput {
  return {
    name: form.name,
    scope: form.scope,
    ...(form.expires_at ? { expires_at: `${form.expires_at}T23:59:59Z` } : {}),
  };
}

export const createdTokenSchema = apiTokenSchema.extend({ token: z.string().min(1) });
export type CreatedToken = z.infer<typeof createdTokenSchema>;
export type _CreatedTokenMatchesContract = Expect<Equals<CreatedToken, components['schemas']['CreateTokenResponse']>>;

export function createToken(input: CreateTokenInput): Promise<CreatedToken> {
  return apiClient.post('/v1/tokens', input, createdTokenSchema);
}

export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createToken,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokensQueryOptions().queryKey }),
  });
}
