import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { makeCredential, makeDashboard, makeMe } from '@/testing/data';
import { renderApp, signIn } from '@/testing/render';
import { server } from '@/testing/server';

function mockOrg(credentials: unknown[]) {
  server.use(
    http.get('/v1/me', () => HttpResponse.json(makeMe())),
    http.get('/v1/orgs/org_1/credentials', () => HttpResponse.json({ items: credentials, next_cursor: null })),
    http.get('/v1/orgs/org_1/deployments', () => HttpResponse.json({ items: [], next_cursor: null })),
    http.get('/v1/orgs/org_1/credentials/aws-role-setup', () =>
      HttpResponse.json({
        external_id: 'ext-1',
        platform_principal: 'arn:aws:iam::999999999999:role/skyforge',
        template_url: 'https://example.com/t.yaml',
        quick_create_url: 'https://console.example.com/q',
      }),
    ),
    http.get('/v1/orgs/org_1/dashboard', () => HttpResponse.json(makeDashboard([]))),
  );
}

describe('Onboarding page', () => {
  it('shows the providers with the AWS role first and a checklist still to do', async () => {
    signIn();
    mockOrg([]);
    await renderApp('/orgs/org_1/onboarding');

    expect(await screen.findByRole('heading', { name: 'Get started' }, { timeout: 15_000 })).toBeInTheDocument();
    const headings = screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent);
    expect(headings.indexOf('AWS')).toBeLessThan(headings.indexOf('Azure'));
    expect(headings.indexOf('Azure')).toBeLessThan(headings.indexOf('Google Cloud'));
    expect(await screen.findByRole('link', { name: 'Open the CloudFormation quick-create link' })).toHaveAttribute(
      'href',
      'https://console.example.com/q',
    );
    const checklist = screen.getByRole('list', { name: 'Getting started checklist' });
    expect(within(checklist).getAllByText('(to do)')).toHaveLength(4);
  }, 40_000);

  it('ticks the steps done and, dismissed, leaves the dashboard without its link', async () => {
    signIn();
    mockOrg([
      makeCredential('cred_1', 'Production', {
        last_sync: { run_id: 'run_1', status: 'succeeded', finished_at: null, counts: { seen: 1, created: 1, changed: 0, deleted: 0, unchanged: 0, regions_listed: 1, regions_failed: 0 } },
      }),
    ]);
    const user = userEvent.setup();
    const { router } = await renderApp('/orgs/org_1/onboarding');

    const checklist = await screen.findByRole('list', { name: 'Getting started checklist' }, { timeout: 15_000 });
    await waitFor(() => expect(within(checklist).getAllByText('(done)')).toHaveLength(2));

    await user.click(screen.getByRole('button', { name: 'Dismiss the guide' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/orgs/org_1/dashboard'), { timeout: 5000 });
    expect(await screen.findByRole('heading', { name: 'Dashboard' }, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Get started' })).not.toBeInTheDocument();
  }, 40_000);
});
