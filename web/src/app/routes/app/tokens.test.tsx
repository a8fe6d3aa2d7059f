import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { NOW, makeToken } from '@/testing/data';
import { noContent, problem } from '@/testing/http';
import { renderWithProviders, signIn } from '@/testing/render';
import { server } from '@/testing/server';
import TokensRoute from './tokens';

const SECRET = 'sf_live_0123456789abcdef';

/// A small in-memory token store behind the mocked endpoints.
function mockTokensApi(initial = [makeToken('tok_1', 'Laptop')]) {
  const tokens = [...initial];
  const created: unknown[] = [];
  server.use(
    http.get('/v1/tokens', () => HttpResponse.json({ items: tokens, next_cursor: null })),
    http.post('/v1/tokens', async ({ request }) => {
      const body = (await request.json()) as { name: string; scope: 'read' | 'write'; expires_at?: string };
      created.push(body);
      const token = { ...makeToken('tok_new', body.name, body.scope), expires_at: body.expires_at ?? null };
      tokens.push(token);
      return HttpResponse.json({ ...token, created_at: NOW, token: SECRET }, { status: 201 });
    }),
    http.delete('/v1/tokens/:id', ({ params }) => {
      const index = tokens.findIndex((t) => t.id === params.id);
      if (index === -1) return problem(404, 'not_found', { detail: 'no such token' });
      tokens.splice(index, 1);
      return noContent();
    }),
  );
  return { created };
}

describe('API tokens page', () => {
  it('shows a new token once, with a copy button and a warning, and never again', async () => {
    signIn();
    const { created } = mockTokensApi();
    const user = userEvent.setup();
    renderWithProviders(<TokensRoute />);

    expect(await screen.findByRole('cell', { name: 'Laptop' })).toBeInTheDocument();

    await user.type(screen.getByLabelText('Name'), 'CI pipeline');
    await user.selectOptions(screen.getByLabelText('Scope'), 'write');
    await user.click(screen.getByRole('button', { name: 'Create token' }));

    const notice = await screen.findByRole('region', { name: /Token “CI pipeline” created/ });
    expect(within(notice).getByLabelText('New API token')).toHaveValue(SECRET);
    expect(notice).toHaveTextContent("It won't be shown again.");
    expect(created).toEqual([{ name: 'CI pipeline', scope: 'write' }]);

    await user.click(within(notice).getByRole('button', { name: 'Copy token' }));
    expect(await navigator.clipboard.readText()).toBe(SECRET);
    expect(within(notice).getByRole('button', { name: 'Copied' })).toBeInTheDocument();

    // The list shows the new token by name only.
    expect(await screen.findByRole('cell', { name: 'CI pipeline' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: "I've copied it" }));
    expect(screen.queryByRole('region', { name: /created/ })).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(SECRET);
    expect(screen.queryByDisplayValue(SECRET)).not.toBeInTheDocument();
  });

  it('sends an expiry date as the end of that day in UTC', async () => {
    signIn();
    const { created } = mockTokensApi([]);
    const user = userEvent.setup();
    renderWithProviders(<TokensRoute />);

    expect(await screen.findByText('No API tokens')).toBeInTheDocument();
    await user.type(screen.getByLabelText('Name'), 'Nightly');
    await user.type(screen.getByLabelText('Expires on (optional)'), '2099-12-31');
    await user.click(screen.getByRole('button', { name: 'Create token' }));

    await screen.findByRole('region', { name: /created/ });
    expect(created).toEqual([{ name: 'Nightly', scope: 'read', expires_at: '2099-12-31T23:59:59Z' }]);
  });

  it('a server error about a field is shown next to that field', async () => {
    signIn();
    mockTokensApi([]);
    server.use(
      http.post('/v1/tokens', () =>
        problem(422, 'validation_failed', {
          detail: 'the request is invalid',
          errors: [{ field: 'name', code: 'duplicate', message: 'you already have a token with this name' }],
        }),
      ),
    );
    const user = userEvent.setup();
    renderWithProviders(<TokensRoute />);

    await user.type(await screen.findByLabelText('Name'), 'Laptop');
    await user.click(screen.getByRole('button', { name: 'Create token' }));

    await waitFor(() =>
      expect(screen.getByLabelText('Name')).toHaveAccessibleDescription(
        expect.stringContaining('you already have a token with this name'),
      ),
    );
    expect(screen.queryByRole('region', { name: /created/ })).not.toBeInTheDocument();
  });

  it('revokes a token after confirmation', async () => {
    signIn();
    mockTokensApi([makeToken('tok_1', 'Laptop'), makeToken('tok_2', 'CI', 'write')]);
    const user = userEvent.setup();
    renderWithProviders(<TokensRoute />);

    await user.click(await screen.findByRole('button', { name: 'Revoke Laptop' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke token?' });
    // Focus starts on Cancel so that Enter does not revoke by accident.
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.click(within(dialog).getByRole('button', { name: 'Revoke token' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    await waitFor(() => expect(screen.queryByRole('cell', { name: 'Laptop' })).not.toBeInTheDocument());
    expect(screen.getByRole('cell', { name: 'CI' })).toBeInTheDocument();
  });
});
