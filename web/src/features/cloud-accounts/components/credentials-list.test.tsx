import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { makeCredential, makeSyncRun } from '@/testing/data';
import { noContent } from '@/testing/http';
import { renderWithProviders, signIn } from '@/testing/render';
import { server } from '@/testing/server';
import { CredentialsList } from './credentials-list';

const CREDENTIALS = '/v1/orgs/org_1/credentials';

describe('Cloud accounts list', () => {
  it('"Sync now" shows the progress, then the result with the errors per region', async () => {
    signIn();
    const polls = [
      makeSyncRun('run_1', 'running', { seen: 12, created: 2 }),
      makeSyncRun('run_1', 'partial', { seen: 40, created: 3, changed: 1, regions_listed: 4, regions_failed: 1 }, [
        { region: 'ap-south-1', code: 'access_denied', message: 'not authorised to list instances' },
      ]),
    ];
    server.use(
      http.get(CREDENTIALS, () => HttpResponse.json({ items: [makeCredential('cred_1', 'Production')], next_cursor: null })),
      http.post(`${CREDENTIALS}/cred_1/sync`, () => HttpResponse.json(makeSyncRun('run_1', 'queued'), { status: 202 })),
      http.get(`${CREDENTIALS}/cred_1/syncs/run_1`, () => HttpResponse.json(polls.length > 1 ? polls.shift() : polls[0])),
    );
    const user = userEvent.setup();
    renderWithProviders(<CredentialsList orgId="org_1" canChange />);

    const card = await screen.findByRole('article', { name: 'Production' });
    await user.click(within(card).getByRole('button', { name: 'Sync Production now' }));

    expect(await within(card).findByText(/Syncing… 12 seen · 2 new/)).toBeInTheDocument();
    expect(within(card).getByRole('button', { name: 'Sync Production now' })).toBeDisabled();

    const result = await within(card).findByText('Sync finished with errors', {}, { timeout: 3000 });
    const alert = result.closest('[role="status"]') as HTMLElement;
    expect(alert).toHaveTextContent('40 seen · 3 new · 1 changed · 0 gone · 1 of 4 regions failed');
    expect(alert).toHaveTextContent('ap-south-1: not authorised to list instances');
    expect(within(card).getByRole('button', { name: 'Sync Production now' })).toBeEnabled();
  });

  it('a new account follows its first sync by itself, then links to the inventory and the dashboard', async () => {
    signIn();
    const pending = { run_id: 'run_9', status: 'queued', trigger: 'connect', since: new Date().toISOString() };
    let credential = makeCredential('cred_1', 'Production', { pending_sync: pending });
    const polls = [
      { ...makeSyncRun('run_9', 'running', { seen: 5, created: 5, regions_listed: 2 }), trigger: 'connect' },
      { ...makeSyncRun('run_9', 'succeeded', { seen: 9, created: 9, regions_listed: 3 }), trigger: 'connect' },
    ];
    server.use(
      http.get(CREDENTIALS, () => HttpResponse.json({ items: [credential], next_cursor: null })),
      http.get(`${CREDENTIALS}/cred_1/syncs/run_9`, () => {
        const run = polls.length > 1 ? polls.shift() : polls[0];
        if (run?.status === 'succeeded') credential = { ...credential, pending_sync: null };
        return HttpResponse.json(run);
      }),
    );
    renderWithProviders(<CredentialsList orgId="org_1" canChange />);

    const card = await screen.findByRole('article', { name: 'Production' });
    expect(within(card).getByText('Queued')).toBeInTheDocument();
    expect(await within(card).findByText(/Syncing… 5 seen · 5 new/)).toBeInTheDocument();
    expect(within(card).getByRole('button', { name: 'Sync Production now' })).toBeDisabled();

    await within(card).findByText('Sync finished', {}, { timeout: 3000 });
    expect(within(card).getByRole('link', { name: 'See the inventory' })).toHaveAttribute('href', '/orgs/org_1/inventory');
    expect(within(card).getByRole('link', { name: 'Open the dashboard' })).toHaveAttribute('href', '/orgs/org_1/dashboard');
  });

  it('turns the scheduled sync off and removes an account after confirmation', async () => {
    signIn();
    let credential = makeCredential('cred_1', 'Production');
    const patches: unknown[] = [];
    let removed = false;
    server.use(
      http.get(CREDENTIALS, () => HttpResponse.json({ items: removed ? [] : [credential], next_cursor: null })),
      http.patch(`${CREDENTIALS}/cred_1`, async ({ request }) => {
        const body = (await request.json()) as { sync_enabled: boolean };
        patches.push(body);
        credential = { ...credential, sync_enabled: body.sync_enabled };
        return HttpResponse.json(credential);
      }),
      http.delete(`${CREDENTIALS}/cred_1`, () => {
        removed = true;
        return noContent();
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<CredentialsList orgId="org_1" canChange />);

    const toggle = await screen.findByRole('switch', { name: 'Scheduled sync of Production' });
    expect(toggle).toBeChecked();
    await user.click(toggle);
    await waitFor(() => expect(screen.getByRole('switch', { name: 'Scheduled sync of Production' })).not.toBeChecked());
    expect(patches).toEqual([{ sync_enabled: false }]);

    await user.click(screen.getByRole('button', { name: 'Remove Production' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Remove cloud account?' })).getByRole('button', { name: 'Remove account' }));
    expect(await screen.findByText('No cloud accounts yet')).toBeInTheDocument();
  });

  it('viewers see the accounts without any change controls', async () => {
    signIn();
    server.use(
      http.get(CREDENTIALS, () => HttpResponse.json({ items: [makeCredential('cred_1', 'Production')], next_cursor: null })),
    );
    renderWithProviders(<CredentialsList orgId="org_1" canChange={false} />);

    const card = await screen.findByRole('article', { name: 'Production' });
    expect(within(card).getByText('123456789012')).toBeInTheDocument();
    expect(within(card).queryByRole('button')).not.toBeInTheDocument();
    expect(within(card).queryByRole('switch')).not.toBeInTheDocument();
  });
});

describe('Cloud accounts list while a scheduled sync runs', () => {
  it('follows the sync until it has finished, without a click', async () => {
    signIn();
    const syncing = makeCredential('cred_1', 'Production', {
      last_sync: { run_id: 'run_9', status: 'running', counts: makeSyncRun('run_9', 'running').counts, finished_at: null },
    });
    const done = makeCredential('cred_1', 'Production', {
      last_sync: { ...makeSyncRun('run_9', 'succeeded', { seen: 7, created: 7 }), run_id: 'run_9' },
    });
    let calls = 0;
    server.use(
      http.get(CREDENTIALS, () => {
        calls += 1;
        return HttpResponse.json({ items: [calls === 1 ? syncing : done], next_cursor: null });
      }),
    );
    renderWithProviders(<CredentialsList orgId="org_1" canChange />);

    const card = await screen.findByRole('article', { name: 'Production' });
    expect(within(card).getByText('Running')).toBeInTheDocument();
    expect(await within(card).findByText('Succeeded', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(within(card).getByText(/7 seen · 7 new/)).toBeInTheDocument();
  });
});

describe('Cloud accounts list after a failed sync', () => {
  it('shows what failed in the last sync on request', async () => {
    signIn();
    const failedRun = makeSyncRun('run_7', 'partial', { seen: 3, regions_listed: 2, regions_failed: 1 }, [
      { region: 'eu-west-1', code: 'access_denied', message: 'not authorised to list volumes' },
    ]);
    const credential = makeCredential('cred_1', 'Production', {
      last_sync: { run_id: 'run_7', status: 'partial', counts: failedRun.counts, finished_at: failedRun.finished_at },
    });
    server.use(
      http.get(CREDENTIALS, () => HttpResponse.json({ items: [credential], next_cursor: null })),
      http.get(`${CREDENTIALS}/cred_1/syncs/run_7`, () => HttpResponse.json(failedRun)),
    );
    const user = userEvent.setup();
    renderWithProviders(<CredentialsList orgId="org_1" canChange={false} />);

    const card = await screen.findByRole('article', { name: 'Production' });
    expect(within(card).queryByText(/not authorised/)).not.toBeInTheDocument();
    await user.click(within(card).getByRole('button', { name: 'Show what failed in the last sync of Production' }));
    const result = await within(card).findByText('Sync finished with errors');
    expect(result.closest('[role="status"]')).toHaveTextContent('eu-west-1: not authorised to list volumes');
  });
});
