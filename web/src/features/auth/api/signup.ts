//! `POST /v1/auth/signup`: creates a user and their first organisation.
import { useMutation } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient } from '@/lib/api-client';
import type { Equals, Expect } from '@/lib/api-common';
import type { components } from '@/lib/api-schema';
import { membershipSchema, userSchema } from './get-me';

export const PASSWORD_MIN_LENGTH = 12;

export const signupInputSchema = z.object({
  name: z.string().trim().min(1, 'Enter your name.').max(100, 'Use at most 100 characters.'),
  email: z.email('Enter a valid email address.'),
  password: z
    .string()
    .min(PASSWORD_MIN_LENGTH, `Use at least ${PASSWORD_MIN_LENGTH} characters.`)
    .max(256, 'Use at most 256 characters.'),
});
export type SignupInput = z.infer<typeof signupInputSchema>;
export type _SignupInputMatchesContract = Expect<Equals<SignupInput, components['schemas']['SignupRequest']>>;

export const signupResponseSchema = z.object({
  user: userSchema,
  /// The personal organisation created with the account; the new user owns it.
  organization: membershipSchema,
});
export type SignupResponse = z.infer<typeof signupResponseSchema>;
export type _SignupResponseMatchesContract = Expect<Equals<SignupResponse, components['schemas']['SignupResponse']>>;

export function signup(input: SignupInput): Promise<SignupResponse> {
  return apiClient.post('/v1/auth/signup', input, signupResponseSchema, { auth: false });
}

export function useSignup() {
  return useMutation({ mutationFn: signup });
}
