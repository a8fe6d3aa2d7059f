//! Labels and badge tones of run states and kinds.
import { Badge, type BadgeTone } from '@/components/ui/badge';

const STATUS: Record<string, { label: string; tone: BadgeTone }> = {
  queued: { label: 'Queued', tone: 'neutral' },
  planning: { label: 'Planning', tone: 'accent' },
  planned: { label: 'Planned', tone: 'accent' },
  awaiting_approval: { label: 'Awaiting approval', tone: 'warning' },
  applying: { label: 'Applying', tone: 'accent' },
  applied: { label: 'Applied', tone: 'success' },
  errored: { label: 'Errored', tone: 'danger' },
  cancelled: { label: 'Cancelled', tone: 'neutral' },
  discarded: { label: 'Discarded', tone: 'neutral' },
};

export function runStatusLabel(status: string): string {
  return STATUS[status]?.label ?? status;
}

export function RunStatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS[status]?.tone ?? 'neutral'}>{runStatusLabel(status)}</Badge>;
}

export function runKindLabel(kind: string): string {
  return kind === 'destroy' ? 'Destroy' : kind === 'plan_and_apply' ? 'Plan & apply' : kind;
}
