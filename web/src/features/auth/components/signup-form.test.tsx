import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { getRefreshToken } from '@/lib/session';
import { NOW, tokenPair } from '@/testing/data';
import { problem } from '@/testing/http';
import { renderWithProviders } from '@/testing/render';
import { server } from '@/testing/server';
import { SignupForm } from './signup-form';

function renderForm() {
  const onSuccess = vi.fn();
  const onLoginNeeded = vi.fn();
  renderWithProviders(<SignupForm onSuccess={onSuccess} onLoginNeeded={onLoginNeeded} />);
  return { onSuccess, onLoginNeeded };
}

async function fillIn(values: { name: string; email: string; password: string }) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText('Name'), values.name);
  await user.type(screen.getByLabelText('Email'), values.email);
  await user.type(screen.getByLabelText('Password'), values.password);
  await user.click(screen.getByRole('button', { name: 'Create account' }));
}

describe('sign-up form', () => {
  it('a password shorter than 12 characters shows a message and sends nothing', async () => {
    let requests = 0;
    server.use(
      http.post('/v1/auth/signup', () => {
        requests += 1;
        return HttpResponse.json({}, { status: 500 });
      }),
    );
    renderForm();

    await fillIn({ name: 'Ada', email: 'ada@example.com', password: 'short-pw' });

    const password = screen.getByLabelText('Password');
    expect(await screen.findByText('Use at least 12 characters.')).toBeInTheDocument();
    expect(password).toHaveAttribute('aria-invalid', 'true');
    expect(password).toHaveAccessibleDescription(expect.stringContaining('Use at least 12 characters.'));
    expect(requests).toBe(0);
  });

  it('an invalid email is flagged on the email field', async () => {
    renderForm();

    await fillIn({ name: 'Ada', email: 'not-an-email', password: 'a-long-enough-password' });

    expect(await screen.findByText('Enter a valid email address.')).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toHaveAttribute('aria-invalid', 'true');
  });

  it('a server error about a field is shown next to that field', async () => {
    server.use(
      http.post('/v1/auth/signup', () =>
        problem(409, 'email_taken', {
          detail: 'an account with this email already exists',
          errors: [{ field: 'email', code: 'email_taken', message: 'this email is already registered; log in instead' }],
        }),
      ),
    );
    const { onSuccess } = renderForm();

    await fillIn({ name: 'Ada', email: 'ada@example.com', password: 'a-long-enough-password' });

    const email = screen.getByLabelText('Email');
    await waitFor(() =>
      expect(email).toHaveAccessibleDescription('this email is already registered; log in instead'),
    );
    expect(email).toHaveAttribute('aria-invalid', 'true');
    // Shown on the field, so no separate alert.
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(onSuccess).not.toHaveBeenCalled();
  });

  it('a server error without field errors is shown in an alert', async () => {
    server.use(
      http.post('/v1/auth/signup', () => problem(409, 'email_taken', { detail: 'an account with this email already exists' })),
    );
    renderForm();

    await fillIn({ name: 'Ada', email: 'ada@example.com', password: 'a-long-enough-password' });

    expect(await screen.findByRole('alert')).toHaveTextContent('an account with this email already exists');
  });

  it('signs up, logs in and hands over the new organisation', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post('/v1/auth/signup', async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json(
          {
            user: { id: 'usr_1', email: 'ada@example.com', name: 'Ada', created_at: NOW },
            organization: { id: 'org_new', name: "Ada's organisation", role: 'owner', created_at: NOW },
          },
          { status: 201 },
        );
      }),
      http.post('/v1/auth/login', () => HttpResponse.json(tokenPair('1'))),
    );
    const { onSuccess } = renderForm();

    await fillIn({ name: 'Ada', email: 'ada@example.com', password: 'a-long-enough-password' });

    await waitFor(() => expect(onSuccess).toHaveBeenCalledWith('org_new'));
    expect(bodies).toEqual([{ name: 'Ada', email: 'ada@example.com', password: 'a-long-enough-password' }]);
    expect(getRefreshToken()).toBe('refresh-1');
  });
});
