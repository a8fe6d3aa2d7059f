import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { problem } from '@/testing/http';
import { renderWithProviders, signIn } from '@/testing/render';
import { server } from '@/testing/server';
import type { RecentRun } from '../api/get-recent-runs';
import { RecentRuns } from './recent-runs';

const RUNS = '*/v1/orgs/org_1/runs';

function run(id: string, name: string, status: RecentRun['status'], kind: RecentRun['kind'] = 'plan_and_apply'): RecentRun {
  return {
    id,
    deployment_id: `dep_${name}`,
    deployment_name: name,
    kind,
    status,
    created_at: '2025-01-15T10:00:00Z',
    updated_at: '2025-01-15T10:05:00Z',
  };
}

function renderCard() {
  return renderWithProviders(
    <RecentRuns
      orgId="org_1"
      deploymentsHref="/orgs/org_1/deployments"
      runHref={(r) => `/orgs/org_1/deployments/${r.deployment_id}/runs/${r.id}`}
    />,
    {
      routes: [
        { path: '/orgs/org_1/deployments/:dep/runs/:run', element: <p>Run page</p> },
        { path: '/orgs/org_1/deployments', element: <p>Deployments page</p> },
      ],
    },
  );
}

describe('RecentRuns', () => {
  beforeEach(() => signIn());

  it('lists the newest runs in the order the server gives, each linked to its run page', async () => {
    let limit: string | null = null;
    server.use(
      http.get(RUNS, ({ request }) => {
        limit = new URL(request.url).searchParams.get('limit');
        return HttpResponse.json({
          items: [run('run_2', 'web', 'awaiting_approval'), run('run_1', 'buckets', 'applied', 'destroy')],
        });
      }),
    );
    const user = userEvent.setup();
    const { router } = renderCard();
    const list = await screen.findByRole('list', { name: 'Recent runs' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map((i) => within(i).getByRole('link').textContent)).toEqual(['web', 'buckets']);
    expect(within(items[0]!).getByText('Awaiting approval')).toBeInTheDocument();
    expect(within(items[1]!).getByText('Applied')).toBeInTheDocument();
    expect(within(items[1]!).getByText(/Destroy/)).toBeInTheDocument();
    expect(limit).toBe('5');

    await user.click(within(list).getByRole('link', { name: 'Plan & apply of web, Awaiting approval' }));
    expect(router.state.location.pathname).toBe('/orgs/org_1/deployments/dep_web/runs/run_2');
  });

  it('without runs, leads to the deployments page', async () => {
    const user = userEvent.setup();
    const { router } = renderCard();
    expect(await screen.findByText(/No runs yet/)).toBeInTheDocument();
    await user.click(screen.getByRole('link', { name: 'Create a deployment' }));
    expect(router.state.location.pathname).toBe('/orgs/org_1/deployments');
  });

  it('says so when the runs cannot be loaded', async () => {
    server.use(http.get(RUNS, () => problem(500, 'internal_error', { detail: 'internal error' })));
    renderCard();
    expect(await screen.findByText('Could not load recent runs')).toBeInTheDocument();
  });
});
