import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { makeCredential, makeMe } from '@/testing/data';
import { renderApp, signIn } from '@/testing/render';
import { server } from '@/testing/server';

function mockAccounts(role: 'viewer' | 'operator') {
  server.use(
    http.get('/v1/me', () => HttpResponse.json(makeMe({ role }))),
    http.get('/v1/orgs/org_1/credentials', () =>
      HttpResponse.json({ items: [makeCredential('cred_1', 'Production')], next_cursor: null }),
    ),
    http.get('/v1/orgs/org_1/credentials/aws-role-setup', () =>
      HttpResponse.json({
        external_id: 'ext-1',
        platform_principal: 'arn:aws:iam::999999999999:role/skyforge',
        template_url: 'https://example.com/t.yaml',
        quick_create_url: 'https://console.example.com/q',
      }),
    ),
  );
}

describe('Cloud accounts page', () => {
  it('viewers see the accounts but no change controls', async () => {
    signIn();
    mockAccounts('viewer');
    await renderApp('/orgs/org_1/cloud-accounts');

    const card = await screen.findByRole('article', { name: 'Production' });
    expect(within(card).queryByRole('button')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Add account' })).not.toBeInTheDocument();
    expect(screen.getByText(/Viewers can see cloud accounts/)).toBeInTheDocument();
  });

  it('operators open the add form from the page header', async () => {
    signIn();
    mockAccounts('operator');
    const user = userEvent.setup();
    await renderApp('/orgs/org_1/cloud-accounts');

    await screen.findByRole('article', { name: 'Production' });
    await user.click(screen.getByRole('button', { name: 'Add account' }));
    expect(screen.getByRole('form', { name: 'Add cloud account' })).toBeInTheDocument();
    expect(await screen.findByText('ext-1')).toBeInTheDocument();
  });
});
