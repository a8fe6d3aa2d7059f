//! Pages of areas that are not built yet.
import { Boxes, CircleDollarSign, Cloud, LayoutDashboard, Rocket, type LucideIcon } from 'lucide-react';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';

const AREAS = {
  dashboard: {
    title: 'Dashboard',
    icon: LayoutDashboard,
    text: 'A summary of your resources, spend and provider health across every cloud account.',
  },
  inventory: {
    title: 'Inventory',
    icon: Boxes,
    text: 'Every VM, bucket and network in your AWS, Azure and GCP accounts, kept in sync.',
  },
  'cloud-accounts': {
    title: 'Cloud accounts',
    icon: Cloud,
    text: 'Connect AWS, Azure and GCP accounts so Skyforge can read their resources and costs.',
  },
  costs: {
    title: 'Costs',
    icon: CircleDollarSign,
    text: 'Daily spend by provider, account and service.',
  },
  deployments: {
    title: 'Deployments',
    icon: Rocket,
    text: 'Provision VMs and buckets with Terraform: review the plan, approve it, and watch the run live.',
  },
} satisfies Record<string, { title: string; icon: LucideIcon; text: string }>;

export type ComingSoonArea = keyof typeof AREAS;

export function ComingSoon({ area }: { area: ComingSoonArea }) {
  const { title, icon, text } = AREAS[area];
  return (
    <>
      <PageHeader title={title} />
      <EmptyState icon={icon} title="Coming soon" description={text} />
    </>
  );
}
