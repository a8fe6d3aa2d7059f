//! Renders components and routes with the providers the app uses, and a session.
import type { ReactElement } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';
import { setSession } from '@/lib/session';
import { tokenPair } from './data';

export function createTestQueryClient() {
  return new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } },
  });
}

/// Starts a session as if the user had logged in.
export function signIn(suffix = 'initial') {
  setSession(tokenPair(suffix));
}

type RenderOptions = {
  /// Where the memory router starts.
  path?: string;
  /// The route pattern the element is mounted at (for `useParams`).
  routePath?: string;
  /// Extra routes to navigate to (e.g. `/login`).
  routes?: RouteObject[];
  queryClient?: QueryClient;
};

export function renderWithProviders(ui: ReactElement, options: RenderOptions = {}) {
  const queryClient = options.queryClient ?? createTestQueryClient();
  const router = createMemoryRouter(
    [{ path: options.routePath ?? '/', element: ui }, ...(options.routes ?? [])],
    { initialEntries: [options.path ?? options.routePath ?? '/'] },
  );
  const result = render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { ...result, router, queryClient };
}

/// Renders the app's own route table at `path`.
export async function renderApp(path: string, queryClient: QueryClient = createTestQueryClient()) {
  const { routes } = await import('@/app/router');
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const result = render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { ...result, router, queryClient };
}
