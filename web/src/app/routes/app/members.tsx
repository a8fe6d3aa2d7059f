//! `/orgs/:orgId/members`
import { useQueryClient } from '@tanstack/react-query';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { LoadingBlock } from '@/components/ui/spinner';
import { meQueryOptions } from '@/features/auth/api/get-me';
import { AddMemberForm } from '@/features/members/components/add-member-form';
import { MembersList } from '@/features/members/components/members-list';
import { canManageOrg } from '@/lib/api-common';
import { useOrgContext } from './org-context';

export default function MembersRoute() {
  const { me, org } = useOrgContext();
  const queryClient = useQueryClient();
  const canManage = canManageOrg(org.role);

  return (
    <>
      <PageHeader title="Members" description={`People who can access ${org.name}, and what they may do.`} />
      <div className="flex flex-col gap-6">
        {canManage ? (
          <Card title="Add a member" description="They need a Skyforge account with this email address.">
            <AddMemberForm orgId={org.id} />
          </Card>
        ) : (
          <Alert tone="info">Only owners and admins can add members or change roles.</Alert>
        )}
        {/* the list marks the caller's own row, so it waits for /v1/me */}
        {me ? (
          <MembersList
            orgId={org.id}
            currentUserId={me.user.id}
            canManage={canManage}
            // The caller's own role or membership changed: reload the organisations and roles
            // the shell shows.
            onOwnMembershipChanged={() => queryClient.invalidateQueries({ queryKey: meQueryOptions().queryKey })}
          />
        ) : (
          <LoadingBlock label="Loading members" />
        )}
      </div>
    </>
  );
}
