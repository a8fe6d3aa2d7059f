//! `POST /v1/auth/login`: exchanges email and password for a session.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient, tokenPairSchema, type TokenPair } from '@/lib/api-client';
import type { Equals, Expect } from '@/lib/api-common';
import type { components } from '@/lib/api-schema';
import { setSession } from '@/lib/session';

export const loginInputSchema = z.object({
  email: z.email('Enter a valid email address.'),
  password: z.string().min(1, 'Enter your password.'),
});
export type LoginInput = z.infer<typeof loginInputSchema>;
export type _LoginInputMatchesContract = Expect<Equals<LoginInput, components['schemas']['LoginRequest']>>;

export async function login(input: LoginInput): Promise<TokenPair> {
  const tokens = await apiClient.post('/v1/auth/login', input, tokenPairSchema, { auth: false });
  setSession(tokens);
  return tokens;
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    // Whatever was cached belonged to the previous session.
    onSuccess: () => queryClient.clear(),
  });
}
