import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { makeMember } from '@/testing/data';
import { problem } from '@/testing/http';
import { renderWithProviders, signIn } from '@/testing/render';
import { server } from '@/testing/server';
import { AddMemberForm } from './add-member-form';

async function addMember(email: string, role: string) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText('Email'), email);
  await user.selectOptions(screen.getByLabelText('Role'), role);
  await user.click(screen.getByRole('button', { name: 'Add member' }));
}

describe('add member form', () => {
  it('adds a member by email and role', async () => {
    signIn();
    const bodies: unknown[] = [];
    server.use(
      http.post('/v1/orgs/org_1/members', async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json(makeMember('usr_c', 'Carol', 'operator'), { status: 201 });
      }),
    );
    renderWithProviders(<AddMemberForm orgId="org_1" />);

    await addMember('carol@example.com', 'operator');

    expect(await screen.findByRole('status')).toHaveTextContent('Carol was added as operator.');
    expect(bodies).toEqual([{ email: 'carol@example.com', role: 'operator' }]);
    expect(screen.getByLabelText('Email')).toHaveValue('');
  });

  it('an unknown user is reported in an alert', async () => {
    signIn();
    server.use(
      http.post('/v1/orgs/org_1/members', () =>
        problem(404, 'user_not_found', { detail: 'no user has this email; ask them to sign up first' }),
      ),
    );
    renderWithProviders(<AddMemberForm orgId="org_1" />);

    await addMember('nobody@example.com', 'viewer');

    expect(await screen.findByRole('alert')).toHaveTextContent('no user has this email; ask them to sign up first');
  });

  it('a field error from the server is shown on the field', async () => {
    signIn();
    server.use(
      http.post('/v1/orgs/org_1/members', () =>
        problem(409, 'already_member', {
          detail: 'this user is already a member',
          errors: [{ field: 'email', code: 'already_member', message: 'this person is already a member' }],
        }),
      ),
    );
    renderWithProviders(<AddMemberForm orgId="org_1" />);

    await addMember('bob@example.com', 'viewer');

    await waitFor(() =>
      expect(screen.getByLabelText('Email')).toHaveAccessibleDescription('this person is already a member'),
    );
  });
});
