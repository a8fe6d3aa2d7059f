//! Routes. Every page is its own chunk, loaded when first visited, so the first page ships
//! only the router, the query client and the page it shows.
import type { ComponentType } from 'react';
import { Navigate, createBrowserRouter, type RouteObject } from 'react-router';
import { FullPageSpinner } from '@/components/layouts/full-page';
import { RouteError } from './routes/route-error';

/// Adapts a page module with a default export to a lazy route.
function page(load: () => Promise<{ default: ComponentType }>): RouteObject['lazy'] {
  return async () => ({ Component: (await load()).default });
}

export const routes: RouteObject[] = [
  {
    errorElement: <RouteError />,
    hydrateFallbackElement: <FullPageSpinner />,
    children: [
      { path: '/login', lazy: page(() => import('./routes/auth/login')) },
      { path: '/signup', lazy: page(() => import('./routes/auth/signup')) },
      {
        path: '/',
        lazy: page(() => import('./routes/app/session-root')),
        children: [
          { index: true, lazy: page(() => import('./routes/app/home')) },
          {
            path: 'orgs/:orgId',
            lazy: page(() => import('./routes/app/org-layout')),
            children: [
              { index: true, element: <Navigate to="dashboard" replace /> },
              { path: 'dashboard', lazy: page(() => import('./routes/app/dashboard')) },
              { path: 'onboarding', lazy: page(() => import('./routes/app/onboarding')) },
              { path: 'inventory', lazy: page(() => import('./routes/app/inventory')) },
              { path: 'cloud-accounts', lazy: page(() => import('./routes/app/cloud-accounts')) },
              { path: 'costs', lazy: page(() => import('./routes/app/costs')) },
              { path: 'deployments', lazy: page(() => import('./routes/app/deployments')) },
              { path: 'deployments/new/:templateId', lazy: page(() => import('./routes/app/new-deployment')) },
              { path: 'deployments/:deploymentId', lazy: page(() => import('./routes/app/deployment')) },
              { path: 'deployments/:deploymentId/runs/:runId', lazy: page(() => import('./routes/app/run')) },
              { path: 'audit', lazy: page(() => import('./routes/app/audit')) },
              { path: 'tokens', lazy: page(() => import('./routes/app/tokens')) },
              { path: 'members', lazy: page(() => import('./routes/app/members')) },
              { path: 'health', lazy: page(() => import('./routes/app/health')) },
              { path: '*', lazy: page(() => import('./routes/not-found')) },
            ],
          },
        ],
      },
      { path: '*', lazy: page(() => import('./routes/not-found')) },
    ],
  },
];

export function createAppRouter() {
  return createBrowserRouter(routes);
}
