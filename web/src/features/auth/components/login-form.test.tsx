import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { clearSession, getAccessToken, getRefreshToken } from '@/lib/session';
import { tokenPair } from '@/testing/data';
import { problem } from '@/testing/http';
import { renderWithProviders } from '@/testing/render';
import { server } from '@/testing/server';
import { LoginForm } from './login-form';

async function logIn(email = 'ada@example.com', password = 'correct horse battery') {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText('Email'), email);
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Log in' }));
}

describe('login form', () => {
  it('too many attempts says how many minutes to wait, from Retry-After', async () => {
    server.use(
      http.post('/v1/auth/login', () =>
        problem(429, 'too_many_attempts', {
          detail: 'too many login attempts',
          headers: { 'Retry-After': '300' },
        }),
      ),
    );
    renderWithProviders(<LoginForm onSuccess={vi.fn()} />);

    await logIn();

    expect(await screen.findByRole('alert')).toHaveTextContent('Too many attempts, try again in 5 minutes.');
  });

  it('rounds a wait of less than a minute up to one minute', async () => {
    server.use(
      http.post('/v1/auth/login', () =>
        problem(429, 'too_many_attempts', { detail: 'too many login attempts', headers: { 'Retry-After': '42' } }),
      ),
    );
    renderWithProviders(<LoginForm onSuccess={vi.fn()} />);

    await logIn();

    expect(await screen.findByRole('alert')).toHaveTextContent('Too many attempts, try again in 1 minute.');
  });

  it('wrong credentials show the server message', async () => {
    server.use(
      http.post('/v1/auth/login', () =>
        problem(401, 'invalid_credentials', { detail: 'the email or password is wrong' }),
      ),
    );
    const onSuccess = vi.fn();
    renderWithProviders(<LoginForm onSuccess={onSuccess} />);

    await logIn();

    expect(await screen.findByRole('alert')).toHaveTextContent('the email or password is wrong');
    expect(onSuccess).not.toHaveBeenCalled();
    expect(getRefreshToken()).toBeNull();
  });

  it('a successful login keeps the access token in memory and the refresh token in storage', async () => {
    server.use(http.post('/v1/auth/login', () => HttpResponse.json(tokenPair('1'))));
    const onSuccess = vi.fn();
    renderWithProviders(<LoginForm onSuccess={onSuccess} />);

    await logIn();

    await waitFor(() => expect(onSuccess).toHaveBeenCalled());
    expect(getAccessToken()).toBe('access-1');
    expect(window.localStorage.getItem('skyforge.refresh_token')).toBe('refresh-1');
    expect(JSON.stringify(window.localStorage)).not.toContain('access-1');
  });

  it('a first login keeps the device token it is given, and logging out does not forget it', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post('/v1/auth/login', async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json({ ...tokenPair('1'), device_token: 'sfd_1' });
      }),
    );
    const onSuccess = vi.fn();
    renderWithProviders(<LoginForm onSuccess={onSuccess} />);

    await logIn();

    await waitFor(() => expect(onSuccess).toHaveBeenCalled());
    expect(bodies).toEqual([{ email: 'ada@example.com', password: 'correct horse battery', device_token: null }]);
    expect(window.localStorage.getItem('skyforge.device_token')).toBe('sfd_1');
    clearSession('logout');
    expect(window.localStorage.getItem('skyforge.device_token')).toBe('sfd_1');
  });

  it('a later login presents the device token and keeps it when no new one comes back', async () => {
    window.localStorage.setItem('skyforge.device_token', 'sfd_known');
    const bodies: unknown[] = [];
    server.use(
      http.post('/v1/auth/login', async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json(tokenPair('2'));
      }),
    );
    const onSuccess = vi.fn();
    renderWithProviders(<LoginForm onSuccess={onSuccess} />);

    await logIn();

    await waitFor(() => expect(onSuccess).toHaveBeenCalled());
    expect(bodies).toEqual([{ email: 'ada@example.com', password: 'correct horse battery', device_token: 'sfd_known' }]);
    expect(window.localStorage.getItem('skyforge.device_token')).toBe('sfd_known');
  });
});
