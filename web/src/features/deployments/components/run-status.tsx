//! The badge of a run's state (labels and tones live in `@/lib/runs`).
import { Badge } from '@/components/ui/badge';
import { runStatusLabel, runStatusTone } from '@/lib/runs';

export function RunStatusBadge({ status }: { status: string }) {
  return <Badge tone={runStatusTone(status)}>{runStatusLabel(status)}</Badge>;
}
