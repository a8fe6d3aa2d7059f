//! What the first signed-in page needs, started as soon as the login succeeds: the route
//! chunks load in parallel with the first API calls instead of one after the other (each lazy
//! route would otherwise only ask for the next one once it has rendered).
import type { QueryClient } from '@tanstack/react-query';
import { meQueryOptions } from '@/features/auth/api/get-me';
import { dashboardQueryOptions } from '@/features/dashboard/api/get-dashboard';

export function preloadSignedInPages(queryClient: QueryClient, next: string, lastOrgId: string | null) {
  void import('./app/session-root');
  void import('./app/home');
  void import('./app/org-layout');
  void import('./app/dashboard');
  void queryClient.prefetchQuery(meQueryOptions());
  // Going to the home page opens the last organisation's dashboard: fetch it alongside /v1/me.
  // If the user is no longer a member the prefetch simply fails and is never shown.
  if (next === '/' && lastOrgId !== null) void queryClient.prefetchQuery(dashboardQueryOptions(lastOrgId));
}
