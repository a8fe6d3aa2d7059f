//! `/orgs/:orgId/inventory`: every resource of the organisation's cloud accounts.
import { PageHeader } from '@/components/ui/page-header';
import { InventoryBrowser } from '@/features/inventory/components/inventory-browser';
import { useOrgContext } from './org-context';

export default function InventoryRoute() {
  const { org } = useOrgContext();
  return (
    <>
      <PageHeader title="Inventory" description="VMs, disks, networks and buckets found in your cloud accounts." />
      <InventoryBrowser orgId={org.id} />
    </>
  );
}
