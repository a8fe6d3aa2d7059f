//! What the first signed-in page needs, started as soon as the login succeeds: the route
//! chunks load in parallel with the first API calls instead of one after the other (each lazy
//! route would otherwise only ask for the next one once it has rendered).
import type { QueryClient } from '@tanstack/react-query';
import { meQueryOptions } from '@/features/auth/api/get-me';
import { dashboardQueryOptions } from '@/features/dashboard/api/get-dashboard';

export function preloadSignedInPages(queryClient: QueryClient, dashboardOrgId: string | null) {
  void import('./app/session-root');
  void import('./app/home');
  void import('./app/org-layout');
  void import('./app/dashboard');
  void queryClient.prefetchQuery(meQueryOptions());
  // Going straight to the last organisation's dashboard: fetch it alongside /v1/me.
  if (dashboardOrgId !== null) void queryClient.prefetchQuery(dashboardQueryOptions(dashboardOrgId));
}
