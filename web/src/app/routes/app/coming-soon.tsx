//! Pages of areas that are not built yet.
import { CircleDollarSign, Rocket, type LucideIcon } from 'lucide-react';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';

const AREAS = {
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
