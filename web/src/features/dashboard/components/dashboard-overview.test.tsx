import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { NOW, makeCounts, makeDashboard } from '@/testing/data';
import { problem } from '@/testing/http';
import { renderWithProviders, signIn } from '@/testing/render';
import { server } from '@/testing/server';
import { DashboardOverview } from './dashboard-overview';

const DASHBOARD = '/v1/orgs/org_1/dashboard';

function renderDashboard() {
  return renderWithProviders(<DashboardOverview orgId="org_1" accountsHref="/orgs/org_1/cloud-accounts" />, {
    routes: [{ path: '/orgs/org_1/cloud-accounts', element: <p>Accounts page</p> }],
  });
}

describe('Dashboard', () => {
  it('without cloud accounts, leads to the accounts page', async () => {
    signIn();
    server.use(http.get(DASHBOARD, () => HttpResponse.json(makeDashboard([]))));
    const user = userEvent.setup();
    const { router } = renderDashboard();

    expect(await screen.findByRole('heading', { name: 'Connect a cloud account' })).toBeInTheDocument();
    await user.click(screen.getByRole('link', { name: 'Connect a cloud account' }));
    expect(router.state.location.pathname).toBe('/orgs/org_1/cloud-accounts');
  });

  it('shows totals, resources by provider and type, and each account’s sync and region health', async () => {
    signIn();
    const dashboard = makeDashboard([{ credential_id: 'cred_1', name: 'Production', provider: 'aws' }]);
    dashboard.totals = {
      resources: 42,
      by_provider: { aws: 30, gcp: 12 },
      by_type: { vm: 7, disk: 35 },
      by_state: {},
      by_provider_type_state: {},
    };
    dashboard.running_vms = 5;
    server.use(
      http.get(DASHBOARD, () =>
        HttpResponse.json({
          ...dashboard,
          credentials: [
            {
              ...dashboard.credentials[0],
              resources: 30,
              last_sync: { run_id: 'run_1', status: 'partial', finished_at: NOW, counts: makeCounts({ seen: 30, created: 2 }) },
              health: [
                { region: 'eu-west-1', ok: true, latency_ms: 120 },
                { region: 'ap-south-1', ok: false, latency_ms: 900 },
              ],
            },
          ],
        }),
      ),
    );
    renderDashboard();

    const resources = await screen.findByText('Resources');
    expect(resources.nextElementSibling).toHaveTextContent('42');
    expect(screen.getByText('Running VMs').nextElementSibling).toHaveTextContent('5');
    expect(screen.getByRole('list', { name: 'Resources by provider' })).toHaveTextContent(/AWS\s*30.*GCP\s*12/);
    expect(screen.getByRole('list', { name: 'Resources by type' })).toHaveTextContent(/Disk\s*35.*VM\s*7/);

    const account = screen.getByRole('article', { name: 'Production' });
    expect(within(account).getByText('Partial')).toBeInTheDocument();
    expect(account).toHaveTextContent('30 seen · 2 new');
    const health = within(account).getByRole('table', { name: 'Region health of Production' });
    expect(within(health).getByRole('row', { name: /eu-west-1 OK 120 ms/ })).toBeInTheDocument();
    expect(within(health).getByRole('row', { name: /ap-south-1 Error 900 ms/ })).toBeInTheDocument();
  });

  it('shows Azure health per subscription and GCP health per project', async () => {
    signIn();
    const dashboard = makeDashboard([
      { credential_id: 'cred_1', name: 'Azure prod', provider: 'azure' },
      { credential_id: 'cred_2', name: 'GCP prod', provider: 'gcp' },
    ]);
    const [azure, gcp] = dashboard.credentials;
    server.use(
      http.get(DASHBOARD, () =>
        HttpResponse.json({
          ...dashboard,
          credentials: [
            { ...azure, health: [{ region: 'sub-guid', ok: true, latency_ms: 40 }] },
            { ...gcp, health: [{ region: 'my-project', ok: false, latency_ms: 70 }] },
          ],
        }),
      ),
    );
    renderDashboard();

    const subscriptions = await screen.findByRole('table', { name: 'Subscription health of Azure prod' });
    expect(within(subscriptions).getByRole('columnheader', { name: 'Subscription' })).toBeInTheDocument();
    const projects = screen.getByRole('table', { name: 'Project health of GCP prod' });
    expect(within(projects).getByRole('row', { name: /my-project Error 70 ms/ })).toBeInTheDocument();
  });

  it('sums up many regions, lists the failing ones, and shows all on request', async () => {
    signIn();
    const dashboard = makeDashboard([{ credential_id: 'cred_1', name: 'Production', provider: 'aws' }]);
    const health = Array.from({ length: 12 }, (_, i) => ({ region: `region-${i + 1}`, ok: i !== 4, latency_ms: (i + 1) * 10 }));
    server.use(
      http.get(DASHBOARD, () =>
        HttpResponse.json({ ...dashboard, credentials: [{ ...dashboard.credentials[0], health }] }),
      ),
    );
    const user = userEvent.setup();
    renderDashboard();

    const account = await screen.findByRole('article', { name: 'Production' });
    expect(account).toHaveTextContent('11 of 12 regions OK · median latency 70 ms');
    const failing = within(account).getByRole('table', { name: 'Regions with errors in Production' });
    expect(within(failing).getAllByRole('row')).toHaveLength(2);
    expect(within(failing).getByRole('row', { name: /region-5 Error 50 ms/ })).toBeInTheDocument();
    expect(within(account).queryByRole('table', { name: 'Region health of Production' })).not.toBeInTheDocument();

    const toggle = within(account).getByRole('button', { name: 'Show all 12 regions' });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await user.click(toggle);
    const all = within(account).getByRole('table', { name: 'Region health of Production' });
    expect(within(all).getAllByRole('row')).toHaveLength(13);
    expect(within(account).getByRole('button', { name: 'Hide the regions' })).toHaveAttribute('aria-expanded', 'true');
  });

  it('shows an error with a retry', async () => {
    signIn();
    server.use(http.get(DASHBOARD, () => problem(500, 'internal', { detail: 'the database is unavailable' })));
    renderDashboard();
    expect(await screen.findByRole('alert')).toHaveTextContent('the database is unavailable');
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });
});
