import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import type { Role } from '@/lib/api-common';
import { makeMember } from '@/testing/data';
import { noContent, problem } from '@/testing/http';
import { renderWithProviders, signIn } from '@/testing/render';
import { server } from '@/testing/server';
import { MembersList } from './members-list';

const ME = makeMember('usr_me', 'Ada Lovelace', 'owner');
const BOB = makeMember('usr_bob', 'Bob Babbage', 'viewer');

/// Members of org_1 behind the mocked endpoints, served `pageSize` at a time.
function mockMembersApi(initial = [ME, BOB], pageSize = 50) {
  const members = initial.map((m) => ({ ...m }));
  const patches: Array<{ userId: string; body: unknown }> = [];
  server.use(
    http.get('/v1/orgs/org_1/members', ({ request }) => {
      const url = new URL(request.url);
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const items = members.slice(start, start + pageSize);
      const next = start + pageSize < members.length ? String(start + pageSize) : null;
      return HttpResponse.json({ items, next_cursor: next });
    }),
    http.patch('/v1/orgs/org_1/members/:userId', async ({ params, request }) => {
      const body = (await request.json()) as { role: Role };
      patches.push({ userId: String(params.userId), body });
      const member = members.find((m) => m.user_id === params.userId);
      if (!member) return problem(404, 'not_found', { detail: 'no such member' });
      const owners = members.filter((m) => m.role === 'owner');
      if (member.role === 'owner' && body.role !== 'owner' && owners.length === 1) {
        return problem(409, 'last_owner', { detail: 'an organisation needs at least one owner; make someone else owner first' });
      }
      member.role = body.role;
      return HttpResponse.json(member);
    }),
    http.delete('/v1/orgs/org_1/members/:userId', ({ params }) => {
      const index = members.findIndex((m) => m.user_id === params.userId);
      members.splice(index, 1);
      return noContent();
    }),
  );
  return { members, patches };
}

function renderList(props: Partial<Parameters<typeof MembersList>[0]> = {}) {
  signIn();
  return renderWithProviders(<MembersList orgId="org_1" currentUserId="usr_me" canManage {...props} />);
}

describe('members list', () => {
  it('changes a member role and shows the new role', async () => {
    const { patches } = mockMembersApi();
    const user = userEvent.setup();
    renderList();

    const picker = await screen.findByLabelText('Role of Bob Babbage');
    expect(picker).toHaveValue('viewer');
    await user.selectOptions(picker, 'admin');

    await waitFor(() => expect(patches).toEqual([{ userId: 'usr_bob', body: { role: 'admin' } }]));
    await waitFor(() => expect(screen.getByLabelText('Role of Bob Babbage')).toHaveValue('admin'));
    expect(screen.getByLabelText('Role of Bob Babbage')).toBeEnabled();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('demoting the last owner shows why it failed and keeps the role', async () => {
    mockMembersApi();
    const user = userEvent.setup();
    renderList();

    await user.selectOptions(await screen.findByLabelText('Role of Ada Lovelace'), 'viewer');

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not change the role of Ada Lovelace: an organisation needs at least one owner',
    );
    expect(screen.getByLabelText('Role of Ada Lovelace')).toHaveValue('owner');
  });

  it('tells the app when the user changed their own role', async () => {
    mockMembersApi([ME, makeMember('usr_carol', 'Carol Owner', 'owner')]);
    const onOwnMembershipChanged = vi.fn();
    const user = userEvent.setup();
    renderList({ onOwnMembershipChanged });

    await user.selectOptions(await screen.findByLabelText('Role of Ada Lovelace'), 'admin');

    await waitFor(() => expect(onOwnMembershipChanged).toHaveBeenCalledTimes(1));
  });

  it('removes a member after confirmation', async () => {
    mockMembersApi();
    const user = userEvent.setup();
    renderList();

    await user.click(await screen.findByRole('button', { name: 'Remove Bob Babbage' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove member?' });
    expect(dialog).toHaveTextContent('Bob Babbage will lose access');
    await user.click(within(dialog).getByRole('button', { name: 'Remove member' }));

    await waitFor(() => expect(screen.queryByText('Bob Babbage')).not.toBeInTheDocument());
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('cancelling the confirmation removes nobody', async () => {
    const { members } = mockMembersApi();
    const user = userEvent.setup();
    renderList();

    await user.click(await screen.findByRole('button', { name: 'Remove Bob Babbage' }));
    await user.keyboard('{Escape}');

    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(members).toHaveLength(2);
    // Focus goes back to the button that opened the dialog.
    expect(screen.getByRole('button', { name: 'Remove Bob Babbage' })).toHaveFocus();
  });

  it('loads more members a page at a time', async () => {
    const many = Array.from({ length: 5 }, (_, i) => makeMember(`usr_${i}`, `Member ${i}`, 'viewer'));
    mockMembersApi(many, 3);
    const user = userEvent.setup();
    renderList();

    expect(await screen.findByText('Member 2')).toBeInTheDocument();
    expect(screen.queryByText('Member 3')).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Load more' }));

    expect(await screen.findByText('Member 4')).toBeInTheDocument();
    expect(screen.getByText('Showing 5 members')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it('viewers see roles but no controls', async () => {
    mockMembersApi();
    renderList({ canManage: false });

    expect(await screen.findByText('Bob Babbage')).toBeInTheDocument();
    expect(screen.queryByLabelText('Role of Bob Babbage')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Remove/ })).not.toBeInTheDocument();
  });

  it('shows an error with a retry when the list cannot be loaded', async () => {
    server.use(http.get('/v1/orgs/org_1/members', () => problem(500, 'internal', { detail: 'internal error' })));
    renderList();

    expect(await screen.findByRole('alert')).toHaveTextContent('Could not load members');
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });
});
