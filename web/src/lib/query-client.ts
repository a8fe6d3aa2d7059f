//! The TanStack Query client and its defaults.
import { QueryClient } from '@tanstack/react-query';
import { isApiError } from './api-client';

/// A client error (4xx) will not succeed on its own, so only network failures and server
/// errors are retried.
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (isApiError(error) && error.status >= 400 && error.status < 500) return false;
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 30_000, retry: shouldRetry },
      mutations: { retry: false },
    },
  });
}
