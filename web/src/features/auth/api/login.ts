//! `POST /v1/auth/login`: exchanges email and password for a session.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient, tokenPairSchema, type TokenPair } from '@/lib/api-client';
import type { Equals, Expect } from '@/lib/api-common';
import type { components } from '@/lib/api-schema';
import { getDeviceToken, rememberDeviceToken, setSession } from '@/lib/session';

export const loginInputSchema = z.object({
  email: z.email('Enter a valid email address.'),
  password: z.string().min(1, 'Enter your password.'),
});
export type LoginInput = z.infer<typeof loginInputSchema>;
type LoginRequest = components['schemas']['LoginRequest'];
export type _LoginInputMatchesContract = Expect<Equals<LoginInput, Omit<LoginRequest, 'device_token'>>>;

/// Logs in, presenting this browser's device token if it has one, and keeps a new one.
export async function login(input: LoginInput): Promise<TokenPair> {
  const body: LoginRequest = { ...input, device_token: getDeviceToken() };
  const tokens = await apiClient.post('/v1/auth/login', body, tokenPairSchema, { auth: false });
  setSession(tokens);
  rememberDeviceToken(tokens.device_token);
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
