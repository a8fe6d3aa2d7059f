//! Labels and badge tones of run states and kinds, shared by the deployments pages and the
//! dashboard's recent runs (features never import each other).
type Tone = 'neutral' | 'accent' | 'success' | 'warning' | 'danger';

const STATUS: Record<string, { label: string; tone: Tone }> = {
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

export function runStatusTone(status: string): Tone {
  return STATUS[status]?.tone ?? 'neutral';
}

export function runKindLabel(kind: string): string {
  return kind === 'destroy' ? 'Destroy' : kind === 'plan_and_apply' ? 'Plan & apply' : kind;
}
