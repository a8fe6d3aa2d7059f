//! How a run's change of variables reads: "instance_count 1 → 2", "message (default) → hi".
import type { VariableChange } from '../api/deployments';

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '(default)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function changeLabel(change: VariableChange): string {
  return `${change.name} ${valueText(change.before)} → ${valueText(change.after)}`;
}
