import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { getRefreshToken } from '@/lib/session';
import { setLastOrgId } from '@/lib/navigation';
import { NOW, makeDashboard, makeMe, tokenPair } from '@/testing/data';
import { noContent, problem } from '@/testing/http';
import { renderApp, signIn } from '@/testing/render';
import { server } from '@/testing/server';

/// An access token shaped like the server's (only its `sub` claim is read by the app).
function accessTokenFor(userId: string) {
  const encode = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '');
  return `${encode({ alg: 'HS256' })}.${encode({ sub: userId })}.signature`;
}

describe('app routes', () => {
  it('a visitor without a session is sent to the login page', async () => {
    const { router } = await renderApp('/orgs/org_1/members');

    // The first test loads the lazy route modules cold, which can take over a second under load.
    expect(await screen.findByRole('heading', { name: 'Log in to Skyforge' }, { timeout: 5000 })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(router.state.location.search).toBe(`?next=${encodeURIComponent('/orgs/org_1/members')}`);
  });

  it('a signed-in user lands on their organisation with the app shell', async () => {
    signIn();
    server.use(
      http.get('/v1/me', () => HttpResponse.json(makeMe())),
      http.get('/v1/orgs/org_1/dashboard', () => HttpResponse.json(makeDashboard([]))),
    );
    const { router } = await renderApp('/');

    expect(await screen.findByRole('heading', { name: 'Dashboard' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/orgs/org_1/dashboard');
    expect(await screen.findByRole('heading', { name: 'Connect a cloud account' })).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    for (const label of ['Dashboard', 'Inventory', 'Cloud accounts', 'Costs', 'Deployments', 'Audit', 'API tokens', 'Members', 'Health']) {
      expect(within(nav).getByRole('link', { name: label })).toBeInTheDocument();
    }
    expect(screen.getByLabelText('Organisation')).toHaveValue('org_1');
  });

  it('after login, a returning user sees their last organisation before /v1/me answers', async () => {
    setLastOrgId('usr_me', 'org_1');
    const events: string[] = [];
    let answerMe: () => void = () => {};
    const meAnswered = new Promise<void>((resolve) => {
      answerMe = resolve;
    });
    server.use(
      http.post('/v1/auth/login', () => HttpResponse.json({ ...tokenPair('login'), access_token: accessTokenFor('usr_me') })),
      http.get('/v1/me', async () => {
        events.push('me requested');
        await meAnswered;
        return HttpResponse.json(makeMe());
      }),
      http.get('/v1/orgs/org_1', () => {
        events.push('org requested');
        return HttpResponse.json({ id: 'org_1', name: 'Analytical Engines', role: 'owner', created_at: NOW });
      }),
      http.get('/v1/orgs/org_1/dashboard', () => {
        events.push('dashboard requested');
        return HttpResponse.json(makeDashboard([]));
      }),
    );
    const user = userEvent.setup();
    const { router } = await renderApp('/login');

    await user.type(await screen.findByLabelText('Email', {}, { timeout: 5000 }), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'correct horse battery staple');
    await user.click(screen.getByRole('button', { name: 'Log in' }));

    // the dashboard is on screen while /v1/me has not answered
    expect(await screen.findByRole('heading', { name: 'Connect a cloud account' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/orgs/org_1/dashboard');
    expect(screen.getByText('Resources and cloud accounts of Analytical Engines.')).toBeInTheDocument();
    expect(events).toContain('me requested');
    expect(events.filter((event) => event === 'dashboard requested')).toHaveLength(1);

    answerMe();
    expect(await screen.findByText('Ada Lovelace')).toBeInTheDocument();
  });

  it('after login, an organisation remembered for another user is not opened', async () => {
    setLastOrgId('usr_someone_else', 'org_9');
    server.use(
      http.post('/v1/auth/login', () => HttpResponse.json({ ...tokenPair('login'), access_token: accessTokenFor('usr_me') })),
      http.get('/v1/me', () => HttpResponse.json(makeMe())),
      http.get('/v1/orgs/org_1/dashboard', () => HttpResponse.json(makeDashboard([]))),
    );
    const user = userEvent.setup();
    const { router } = await renderApp('/login');

    await user.type(await screen.findByLabelText('Email', {}, { timeout: 5000 }), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'correct horse battery staple');
    await user.click(screen.getByRole('button', { name: 'Log in' }));

    expect(await screen.findByRole('heading', { name: 'Connect a cloud account' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/orgs/org_1/dashboard');
  });

  it('switching organisation keeps the current page', async () => {
    signIn();
    server.use(
      http.get('/v1/me', () =>
        HttpResponse.json(
          makeMe({
            orgs: [
              { id: 'org_1', name: 'Analytical Engines', role: 'owner' },
              { id: 'org_2', name: 'Difference Engines', role: 'viewer' },
            ],
          }),
        ),
      ),
      http.get('/v1/health', () => HttpResponse.json({ status: 'ok', checks: [] })),
    );
    const user = userEvent.setup();
    const { router } = await renderApp('/orgs/org_1/health');

    // the switcher lists every organisation once /v1/me has answered
    await screen.findByRole('option', { name: 'Difference Engines' });
    await user.selectOptions(screen.getByLabelText('Organisation'), 'org_2');

    await waitFor(() => expect(router.state.location.pathname).toBe('/orgs/org_2/health'));
    expect(await screen.findByText('All systems operational')).toBeInTheDocument();
  });

  it('logging out ends the session on the server and returns to the login page', async () => {
    signIn();
    const logouts: unknown[] = [];
    server.use(
      http.get('/v1/me', () => HttpResponse.json(makeMe())),
      http.get('/v1/orgs/org_1/dashboard', () => HttpResponse.json(makeDashboard([]))),
      http.post('/v1/auth/logout', async ({ request }) => {
        logouts.push(await request.json());
        return noContent();
      }),
    );
    const user = userEvent.setup();
    const { router } = await renderApp('/orgs/org_1/dashboard');

    await user.click(await screen.findByRole('button', { name: /Account menu/ }));
    await user.click(screen.getByRole('menuitem', { name: 'Log out' }));

    expect(await screen.findByRole('heading', { name: 'Log in to Skyforge' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    // no way back to this organisation's page: the next person to log in may not be a member
    expect(router.state.location.search).toBe('');
    expect(logouts).toEqual([{ refresh_token: 'refresh-initial' }]);
    expect(getRefreshToken()).toBeNull();
  });

  it('an organisation the user does not belong to shows a clear message', async () => {
    signIn();
    server.use(http.get('/v1/me', () => HttpResponse.json(makeMe())));
    await renderApp('/orgs/org_other/members');

    expect(await screen.findByText('Organisation not found')).toBeInTheDocument();
  });

  it('when the session cannot be refreshed the user is sent to log in again, and told why', async () => {
    signIn();
    server.use(
      http.get('/v1/me', () => HttpResponse.json(makeMe())),
      http.get('/v1/orgs/org_1/members', () => problem(401, 'unauthorized', { detail: 'the access token has expired' })),
      http.post('/v1/auth/refresh', () => problem(401, 'invalid_refresh_token', { detail: 'the refresh token was revoked' })),
    );
    const { router } = await renderApp('/orgs/org_1/members');

    expect(await screen.findByRole('heading', { name: 'Log in to Skyforge' })).toBeInTheDocument();
    expect(screen.getByText('Your session has ended. Log in again to continue.')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(new URLSearchParams(router.state.location.search).get('next')).toBe('/orgs/org_1/members');
    expect(getRefreshToken()).toBeNull();
  });
});
