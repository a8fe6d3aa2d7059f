import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { makeCredential } from '@/testing/data';
import { problem } from '@/testing/http';
import { renderWithProviders, signIn } from '@/testing/render';
import { server } from '@/testing/server';
import { AddCredentialForm } from './add-credential-form';

const CREDENTIALS = '/v1/orgs/org_1/credentials';

function mockRoleSetup() {
  server.use(
    http.get(`${CREDENTIALS}/aws-role-setup`, () =>
      HttpResponse.json({
        external_id: 'ext-4242',
        platform_principal: 'arn:aws:iam::999999999999:role/skyforge',
        template_url: 'https://example.com/customer-role.yaml',
        quick_create_url: 'https://console.example.com/quick-create',
      }),
    ),
  );
}

describe('Add cloud account form', () => {
  it('AWS by role: shows the role set-up and sends only the role ARN', async () => {
    signIn();
    mockRoleSetup();
    const sent: unknown[] = [];
    server.use(
      http.post(CREDENTIALS, async ({ request }) => {
        sent.push(await request.json());
        return HttpResponse.json(makeCredential('cred_1', 'Production'), { status: 201 });
      }),
    );
    const user = userEvent.setup();
    let added = '';
    renderWithProviders(<AddCredentialForm orgId="org_1" onAdded={(c) => (added = c.name)} />);

    expect(await screen.findByText('ext-4242')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /Create the role in the AWS console/ })).toHaveAttribute(
      'href',
      'https://console.example.com/quick-create',
    );
    await user.type(screen.getByLabelText('Name'), 'Production');
    await user.type(screen.getByLabelText('Role ARN'), 'arn:aws:iam::123456789012:role/SkyforgeReadOnly');
    await user.click(screen.getByRole('button', { name: 'Add account' }));

    await waitFor(() => expect(added).toBe('Production'));
    expect(sent).toEqual([{ provider: 'aws', name: 'Production', role_arn: 'arn:aws:iam::123456789012:role/SkyforgeReadOnly' }]);
  });

  it('shows a server error about a list item on the list field', async () => {
    signIn();
    mockRoleSetup();
    const sent: unknown[] = [];
    server.use(
      http.post(CREDENTIALS, async ({ request }) => {
        sent.push(await request.json());
        return problem(422, 'validation_failed', {
          detail: 'the request is invalid',
          errors: [{ field: 'subscription_ids[1]', code: 'invalid', message: 'is not a subscription id' }],
        });
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<AddCredentialForm orgId="org_1" />);

    await user.click(screen.getByRole('radio', { name: 'Azure' }));
    await user.type(screen.getByLabelText('Name'), 'Azure prod');
    await user.type(screen.getByLabelText('Tenant ID'), 'tenant');
    await user.type(screen.getByLabelText('Client ID'), 'client');
    await user.type(screen.getByLabelText('Client secret'), 'secret');
    await user.type(screen.getByLabelText('Subscription IDs'), 'sub-a, nope');
    await user.click(screen.getByRole('button', { name: 'Add account' }));

    await waitFor(() =>
      expect(screen.getByLabelText('Subscription IDs')).toHaveAccessibleDescription('Item 2: is not a subscription id'),
    );
    expect(screen.getByLabelText('Subscription IDs')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(sent).toEqual([
      {
        provider: 'azure',
        name: 'Azure prod',
        tenant_id: 'tenant',
        client_id: 'client',
        client_secret: 'secret',
        subscription_ids: ['sub-a', 'nope'],
      },
    ]);
  });

  it('shows a refused credential as an alert', async () => {
    signIn();
    mockRoleSetup();
    server.use(
      http.post(CREDENTIALS, () =>
        problem(422, 'credential_invalid', { detail: 'GCP answered: the key was deleted or disabled' }),
      ),
    );
    const user = userEvent.setup();
    renderWithProviders(<AddCredentialForm orgId="org_1" />);

    await user.click(screen.getByRole('radio', { name: 'GCP' }));
    await user.type(screen.getByLabelText('Name'), 'Analytics');
    await user.click(screen.getByLabelText('Service account key (JSON)'));
    await user.paste('{"type":"service_account"}');
    await user.type(screen.getByLabelText('Project IDs'), 'analytics-prod');
    await user.click(screen.getByRole('button', { name: 'Add account' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('GCP refused this credential');
    expect(alert).toHaveTextContent('GCP answered: the key was deleted or disabled');
  });

  it('checks the fields the chosen provider needs before sending', async () => {
    signIn();
    mockRoleSetup();
    const user = userEvent.setup();
    renderWithProviders(<AddCredentialForm orgId="org_1" />);

    await user.click(screen.getByRole('radio', { name: 'Access keys' }));
    await user.type(screen.getByLabelText('Name'), 'Legacy');
    await user.click(screen.getByRole('button', { name: 'Add account' }));

    expect(await screen.findByText('Enter the access key id.')).toBeInTheDocument();
    expect(screen.getByText('Enter the secret access key.')).toBeInTheDocument();
  });
});
