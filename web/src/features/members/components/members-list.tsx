//! The members of an organisation, with role changes and removal for owners and admins.
import { useState } from 'react';
import { Trash, Users } from 'lucide-react';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { SelectField } from '@/components/ui/field';
import { LoadMore } from '@/components/ui/load-more';
import { LoadingBlock, Spinner } from '@/components/ui/spinner';
import { Table, TBody, TD, TH, THead } from '@/components/ui/table';
import { errorMessage } from '@/lib/api-client';
import { ROLES, ROLE_LABELS, type Role } from '@/lib/api-common';
import { formatDate } from '@/lib/format';
import { useMembers, type Member } from '../api/get-members';
import { useRemoveMember } from '../api/remove-member';
import { useUpdateMemberRole } from '../api/update-member-role';

type MembersListProps = {
  orgId: string;
  currentUserId: string;
  canManage: boolean;
  /// Called after the caller's own membership changed (role or removal), so the app can
  /// reload what depends on it.
  onOwnMembershipChanged?: () => void;
};

export function MembersList({ orgId, currentUserId, canManage, onOwnMembershipChanged }: MembersListProps) {
  const members = useMembers(orgId);
  const [actionError, setActionError] = useState<string | null>(null);
  const [toRemove, setToRemove] = useState<Member | null>(null);
  const removeMember = useRemoveMember(orgId, {
    onSuccess: (userId) => {
      setToRemove(null);
      if (userId === currentUserId) onOwnMembershipChanged?.();
    },
  });

  if (members.isPending) return <LoadingBlock label="Loading members" />;
  if (members.isError) return <ErrorState title="Could not load members" error={members.error} onRetry={() => members.refetch()} />;

  const items = members.data.pages.flatMap((page) => page.items);
  if (items.length === 0) {
    return <EmptyState icon={Users} title="No members yet" description="Add colleagues by their email address." />;
  }

  return (
    <div className="flex flex-col gap-4">
      {actionError ? (
        <Alert
          action={
            <Button variant="ghost" size="sm" onClick={() => setActionError(null)}>
              Dismiss
            </Button>
          }
        >
          {actionError}
        </Alert>
      ) : null}
      <Table caption="Members of this organisation">
        <THead>
          <TH>Member</TH>
          <TH>Role</TH>
          <TH className="hidden sm:table-cell">Joined</TH>
          {canManage ? (
            <TH>
              <span className="sr-only">Actions</span>
            </TH>
          ) : null}
        </THead>
        <TBody>
          {items.map((member) => (
            <MemberRow
              key={member.user_id}
              orgId={orgId}
              member={member}
              isCurrentUser={member.user_id === currentUserId}
              canManage={canManage}
              onError={setActionError}
              onRemove={() => {
                setActionError(null);
                removeMember.reset();
                setToRemove(member);
              }}
              onOwnRoleChanged={onOwnMembershipChanged}
            />
          ))}
        </TBody>
      </Table>
      <LoadMore
        shown={items.length}
        noun={items.length === 1 ? 'member' : 'members'}
        hasNextPage={members.hasNextPage}
        isFetchingNextPage={members.isFetchingNextPage}
        onLoadMore={() => members.fetchNextPage()}
      />
      <ConfirmDialog
        open={toRemove !== null}
        title="Remove member?"
        description={
          toRemove ? (
            <>
              <strong className="font-medium text-zinc-900">{toRemove.name || toRemove.email}</strong> will lose
              access to this organisation at once.
            </>
          ) : null
        }
        confirmLabel="Remove member"
        isPending={removeMember.isPending}
        error={removeMember.isError ? errorMessage(removeMember.error) : null}
        onCancel={() => setToRemove(null)}
        onConfirm={() => toRemove && removeMember.mutate(toRemove.user_id)}
      />
    </div>
  );
}

type MemberRowProps = {
  orgId: string;
  member: Member;
  isCurrentUser: boolean;
  canManage: boolean;
  onError: (message: string | null) => void;
  onRemove: () => void;
  onOwnRoleChanged?: () => void;
};

function MemberRow({ orgId, member, isCurrentUser, canManage, onError, onRemove, onOwnRoleChanged }: MemberRowProps) {
  const updateRole = useUpdateMemberRole(orgId, {
    onSuccess: () => {
      if (isCurrentUser) onOwnRoleChanged?.();
    },
  });
  const displayName = member.name || member.email;
  // While the change is in flight the picker shows the chosen role, not the stored one.
  const role = updateRole.isPending ? updateRole.variables.role : member.role;

  return (
    <tr>
      <TD>
        <div className="flex flex-col">
          <span className="font-medium text-zinc-900">
            {member.name || member.email}
            {isCurrentUser ? <span className="ml-2 text-xs font-normal text-zinc-500">(you)</span> : null}
          </span>
          {member.name ? <span className="text-xs break-all text-zinc-500">{member.email}</span> : null}
        </div>
      </TD>
      <TD>
        {canManage ? (
          <div className="flex items-center gap-2">
            <SelectField
              label={`Role of ${displayName}`}
              hideLabel
              value={role}
              disabled={updateRole.isPending}
              className="w-32 sm:w-36"
              onChange={(event) => {
                onError(null);
                updateRole.mutate(
                  { userId: member.user_id, role: event.target.value as Role },
                  { onError: (error) => onError(`Could not change the role of ${displayName}: ${errorMessage(error)}`) },
                );
              }}
            >
              {ROLES.map((option) => (
                <option key={option} value={option}>
                  {ROLE_LABELS[option]}
                </option>
              ))}
            </SelectField>
            {updateRole.isPending ? <Spinner label="Saving role" /> : null}
          </div>
        ) : (
          <Badge tone={member.role === 'owner' ? 'accent' : 'neutral'}>{ROLE_LABELS[member.role]}</Badge>
        )}
      </TD>
      <TD className="hidden whitespace-nowrap sm:table-cell">
        <time dateTime={member.joined_at}>{formatDate(member.joined_at)}</time>
      </TD>
      {canManage ? (
        <TD className="text-right">
          <Button
            variant="ghost"
            size="sm"
            aria-label={`Remove ${displayName}`}
            onClick={onRemove}
            icon={<Trash aria-hidden className="size-4" />}
          >
            <span className="max-sm:hidden">Remove</span>
          </Button>
        </TD>
      ) : null}
    </tr>
  );
}
