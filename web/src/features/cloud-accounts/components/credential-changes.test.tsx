import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { makeCredential } from '@/testing/data';
import { problem } from '@/testing/http';
import { renderWithProviders, signIn } from '@/testing/render';
import { server } from '@/testing/server';
import { CredentialsList } from './credentials-list';
import { rotateFields, toRotateRequest } from './rotate-credential-form';

const CREDENTIALS = '/v1/orgs/org_1/credentials';

describe('Editing a cloud account', () => {
  it('renames it and limits it to regions, showing a bad region on the regions field', async () => {
    signIn();
    let credential = { ...makeCredential('cred_1', 'Production'), regions: null as string[] | null };
    const patches: unknown[] = [];
    server.use(
      http.get(CREDENTIALS, () => HttpResponse.json({ items: [credential], next_cursor: null })),
      http.patch(`${CREDENTIALS}/cred_1`, async ({ request }) => {
        const body = (await request.json()) as { name: string; regions: string[] | null };
        patches.push(body);
        if (body.regions?.includes('mars-1')) {
          return problem(422, 'validation_failed', {
            detail: 'the request has invalid fields',
            errors: [{ field: 'regions[1]', code: 'unknown_region', message: 'not a region of this provider' }],
          });
        }
        credential = { ...credential, name: body.name, regions: body.regions };
        return HttpResponse.json(credential);
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<CredentialsList orgId="org_1" canChange />);

    const card = await screen.findByRole('article', { name: 'Production' });
    expect(within(card).getByText('Every enabled region')).toBeInTheDocument();
    await user.click(within(card).getByRole('button', { name: 'Edit Production' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit Production' });
    const name = within(dialog).getByLabelText('Name');
    await user.clear(name);
    await user.type(name, 'Production EU');
    await user.type(within(dialog).getByLabelText('Regions'), 'eu-west-1, mars-1');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    const regions = within(dialog).getByLabelText('Regions');
    await waitFor(() => expect(regions).toHaveAttribute('aria-invalid', 'true'));
    expect(regions).toHaveAccessibleDescription('Item 2: not a region of this provider');
    expect(within(dialog).getByLabelText('Name')).not.toHaveAttribute('aria-invalid');

    await user.clear(regions);
    await user.type(regions, 'eu-west-1\neu-central-1');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));

    const renamed = await screen.findByRole('article', { name: 'Production EU' });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(within(renamed).getByText('eu-west-1, eu-central-1')).toBeInTheDocument();
    expect(within(renamed).getByText('Production EU is saved.')).toBeInTheDocument();
    expect(patches).toEqual([
      { name: 'Production EU', regions: ['eu-west-1', 'mars-1'] },
      { name: 'Production EU', regions: ['eu-west-1', 'eu-central-1'] },
    ]);
  });

  it('sends null regions when the list is emptied (every enabled region)', async () => {
    signIn();
    const patches: unknown[] = [];
    const credential = makeCredential('cred_1', 'Production', { regions: ['us-east-1'] });
    server.use(
      http.get(CREDENTIALS, () => HttpResponse.json({ items: [credential], next_cursor: null })),
      http.patch(`${CREDENTIALS}/cred_1`, async ({ request }) => {
        patches.push(await request.json());
        return HttpResponse.json({ ...credential, regions: null });
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<CredentialsList orgId="org_1" canChange />);

    await user.click(await screen.findByRole('button', { name: 'Edit Production' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit Production' });
    await user.clear(within(dialog).getByLabelText('Regions'));
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(patches).toEqual([{ name: 'Production', regions: null }]));
  });
});

describe('Rotating a cloud account secret', () => {
  it('asks for the fields of the account kind and sends only those', () => {
    expect(rotateFields({ method: 'role' })).toEqual(['role_arn']);
    expect(rotateFields({ method: 'access_key' })).toEqual(['access_key_id', 'secret_access_key']);
    expect(rotateFields({ method: 'service_principal' })).toEqual(['tenant_id', 'client_id', 'client_secret', 'subscription_ids']);
    const values = {
      role_arn: '',
      access_key_id: '',
      secret_access_key: '',
      tenant_id: '',
      client_id: '',
      client_secret: '',
      subscription_ids: '',
      service_account_key: ' {"type": "service_account"} ',
      project_ids: 'one,\ntwo',
    };
    expect(toRotateRequest(rotateFields({ method: 'service_account' }), values)).toEqual({
      service_account_key: ' {"type": "service_account"} ',
      project_ids: ['one', 'two'],
    });
  });

  it('shows a refused key on its field and the provider refusal in an alert, then rotates', async () => {
    signIn();
    const credential = makeCredential('cred_1', 'Keys', { method: 'access_key', hint: 'AKIA…MPLE' });
    const posts: unknown[] = [];
    server.use(
      http.get(CREDENTIALS, () => HttpResponse.json({ items: [credential], next_cursor: null })),
      http.post(`${CREDENTIALS}/cred_1/rotate`, async ({ request }) => {
        const body = (await request.json()) as { access_key_id: string };
        posts.push(body);
        if (body.access_key_id === 'nope') {
          return problem(422, 'validation_failed', {
            detail: 'the request has invalid fields',
            errors: [{ field: 'access_key_id', code: 'invalid_format', message: 'an access key id is 20 letters and digits' }],
          });
        }
        if (body.access_key_id === 'AKIAOTHERACCOUNT0000') {
          return problem(422, 'account_mismatch', { detail: 'the new secret reaches account 999999999999, not 123456789012' });
        }
        return HttpResponse.json(credential);
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<CredentialsList orgId="org_1" canChange />);

    await user.click(await screen.findByRole('button', { name: 'Rotate the secret of Keys' }));
    const dialog = screen.getByRole('dialog', { name: 'Rotate secret' });
    expect(within(dialog).queryByLabelText('Role ARN')).not.toBeInTheDocument();

    // nothing entered: told on each field, nothing sent
    await user.click(within(dialog).getByRole('button', { name: 'Rotate secret' }));
    expect(await within(dialog).findByText('Enter the access key id.')).toBeInTheDocument();
    expect(posts).toEqual([]);

    await user.type(within(dialog).getByLabelText('Access key ID'), 'nope');
    await user.type(within(dialog).getByLabelText('Secret access key'), 'secret');
    await user.click(within(dialog).getByRole('button', { name: 'Rotate secret' }));
    await waitFor(() =>
      expect(within(dialog).getByLabelText('Access key ID')).toHaveAccessibleDescription('an access key id is 20 letters and digits'),
    );

    await user.clear(within(dialog).getByLabelText('Access key ID'));
    await user.type(within(dialog).getByLabelText('Access key ID'), 'AKIAOTHERACCOUNT0000');
    await user.click(within(dialog).getByRole('button', { name: 'Rotate secret' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('This secret belongs to another account');

    await user.clear(within(dialog).getByLabelText('Access key ID'));
    await user.type(within(dialog).getByLabelText('Access key ID'), 'AKIAIOSFODNN7EXAMPLE');
    await user.click(within(dialog).getByRole('button', { name: 'Rotate secret' }));
    expect(await screen.findByText('The secret is rotated; the next sync uses the new one.')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(posts.at(-1)).toEqual({ access_key_id: 'AKIAIOSFODNN7EXAMPLE', secret_access_key: 'secret' });
  });
});
