//! `GET /v1/tokens`: the caller's personal API tokens (never their secret), a page at a time.
import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient } from '@/lib/api-client';
import { PAGE_SIZE, pageSchema, timestampSchema, type Equals, type Expect, type Page } from '@/lib/api-common';
import { tokenScopeValues, type components } from '@/lib/api-schema';

export const TOKEN_SCOPES = tokenScopeValues;
export const tokenScopeSchema = z.enum(TOKEN_SCOPES);
export type TokenScope = z.infer<typeof tokenScopeSchema>;
export type _TokenScopeMatchesContract = Expect<Equals<TokenScope, components['schemas']['TokenScope']>>;

export const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: tokenScopeSchema,
  created_at: timestampSchema,
  // `null` (or missing) for a token that never expires or was never used.
  expires_at: timestampSchema.nullish(),
  last_used_at: timestampSchema.nullish(),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;
export type _ApiTokenMatchesContract = Expect<Equals<ApiToken, components['schemas']['TokenView']>>;

export const apiTokensPageSchema = pageSchema(apiTokenSchema);
export type _ApiTokensPageMatchesContract = Expect<
  Equals<z.infer<typeof apiTokensPageSchema>, components['schemas']['ListOf_TokenView']>
>;

type GetTokensParams = { cursor?: string | null; limit?: number; signal?: AbortSignal };

export function getTokens({ cursor, limit = PAGE_SIZE, signal }: GetTokensParams = {}): Promise<Page<ApiToken>> {
  return apiClient.get('/v1/tokens', apiTokensPageSchema, { query: { limit, cursor }, signal });
}

export function tokensQueryOptions() {
  return infiniteQueryOptions({
    queryKey: ['tokens'],
    queryFn: ({ pageParam, signal }) => getTokens({ cursor: pageParam, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
  });
}

export function useTokens() {
  return useInfiniteQuery(tokensQueryOptions());
}
