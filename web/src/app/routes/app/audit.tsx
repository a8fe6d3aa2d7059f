//! `/orgs/:orgId/audit`
import { PageHeader } from '@/components/ui/page-header';
import { AuditTable } from '@/features/audit/components/audit-table';
import { useOrgContext } from './org-context';

export default function AuditRoute() {
  const { org } = useOrgContext();
  return (
    <>
      <PageHeader title="Audit log" description={`Who did what in ${org.name}, newest first.`} />
      <AuditTable orgId={org.id} />
    </>
  );
}
