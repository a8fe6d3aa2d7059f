import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { problem } from '@/testing/http';
import { renderWithProviders, signIn } from '@/testing/render';
import { server } from '@/testing/server';
import { AuditTable } from './audit-table';

function event(id: string, action: string, outcome: 'success' | 'failure' | 'denied') {
  return {
    id,
    occurred_at: '2025-01-15T10:00:00Z',
    action,
    outcome,
    actor_user_id: 'usr_me',
    actor_email: 'ada@example.com',
    org_id: 'org_1',
    target_kind: 'member',
    target_id: 'usr_bob',
    ip: '203.0.113.7',
    detail: null,
  };
}

describe('audit table', () => {
  it('lists events and loads more with the cursor', async () => {
    signIn();
    const cursors: Array<string | null> = [];
    server.use(
      http.get('/v1/orgs/org_1/audit', ({ request }) => {
        const cursor = new URL(request.url).searchParams.get('cursor');
        cursors.push(cursor);
        return cursor === null
          ? HttpResponse.json({ items: [event('ev_1', 'member.update', 'success')], next_cursor: 'page-2' })
          : HttpResponse.json({ items: [event('ev_2', 'auth.login', 'denied')], next_cursor: null });
      }),
    );
    const user = userEvent.setup();
    renderWithProviders(<AuditTable orgId="org_1" />);

    expect(await screen.findByText('member.update')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Load more' }));

    expect(await screen.findByText('auth.login')).toBeInTheDocument();
    expect(screen.getByText('denied')).toBeInTheDocument();
    expect(cursors).toEqual([null, 'page-2']);
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it('shows an outcome it does not know and events whose optional fields are left out', async () => {
    signIn();
    server.use(
      http.get('/v1/orgs/org_1/audit', () =>
        // The contract allows the nullable fields, and `next_cursor`, to be missing altogether.
        HttpResponse.json({
          items: [{ id: 'ev_1', occurred_at: '2025-01-15T10:00:00Z', action: 'auth.login', outcome: 'throttled' }],
        }),
      ),
    );
    renderWithProviders(<AuditTable orgId="org_1" />);

    expect(await screen.findByText('throttled')).toBeInTheDocument();
    expect(screen.getByText('unknown')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it('explains that only owners and admins can read it', async () => {
    signIn();
    server.use(http.get('/v1/orgs/org_1/audit', () => problem(403, 'forbidden', { detail: 'forbidden' })));
    renderWithProviders(<AuditTable orgId="org_1" />);

    expect(await screen.findByText('Owners and admins only')).toBeInTheDocument();
  });

  it('says so when there are no events', async () => {
    signIn();
    server.use(http.get('/v1/orgs/org_1/audit', () => HttpResponse.json({ items: [], next_cursor: null })));
    renderWithProviders(<AuditTable orgId="org_1" />);

    expect(await screen.findByText('No events yet')).toBeInTheDocument();
  });
});
