//! Schemas and display helpers for cloud-account syncs, shared by the dashboard and the
//! cloud accounts pages (features never import each other).
import { z } from 'zod';
import type { Equals, Expect } from './api-common';
import { timestampSchema } from './api-common';
import { syncStatusValues, syncTriggerValues, type components } from './api-schema';

export const syncCountsSchema = z.object({
  seen: z.number().int(),
  created: z.number().int(),
  changed: z.number().int(),
  deleted: z.number().int(),
  unchanged: z.number().int(),
  regions_listed: z.number().int(),
  regions_failed: z.number().int(),
});
export type SyncCounts = z.infer<typeof syncCountsSchema>;
export type _SyncCountsMatchesContract = Expect<Equals<SyncCounts, components['schemas']['SyncCountsView']>>;

/// The last sync of a cloud account.
export const syncSummarySchema = z.object({
  run_id: z.string(),
  status: z.enum(syncStatusValues),
  counts: syncCountsSchema,
  finished_at: timestampSchema.nullish(),
});
export type SyncSummary = z.infer<typeof syncSummarySchema>;
export type _SyncSummaryMatchesContract = Expect<Equals<SyncSummary, components['schemas']['SyncSummaryView']>>;

/// A sync on its way for a cloud account: `queued` (waiting for a worker since `since`) or
/// `running` (since `since`). Right after connecting an account, its first sync.
export const pendingSyncSchema = z.object({
  run_id: z.string(),
  /// queued or running
  status: z.enum(syncStatusValues),
  trigger: z.enum(syncTriggerValues),
  since: timestampSchema,
});
export type PendingSync = z.infer<typeof pendingSyncSchema>;
export type _PendingSyncMatchesContract = Expect<Equals<PendingSync, components['schemas']['PendingSyncView']>>;

/// A sync that has not finished yet.
export function isSyncActive(status: string): boolean {
  return status === 'queued' || status === 'running';
}

type Tone = 'neutral' | 'accent' | 'success' | 'warning' | 'danger';

const STATUS: Record<string, { label: string; tone: Tone }> = {
  queued: { label: 'Queued', tone: 'accent' },
  running: { label: 'Running', tone: 'accent' },
  succeeded: { label: 'Succeeded', tone: 'success' },
  partial: { label: 'Partial', tone: 'warning' },
  failed: { label: 'Failed', tone: 'danger' },
};

export function syncStatusLabel(status: string): string {
  return STATUS[status]?.label ?? status;
}

export function syncStatusTone(status: string): Tone {
  return STATUS[status]?.tone ?? 'neutral';
}

/// "120 seen · 3 new · 2 changed · 1 gone".
export function formatSyncCounts(counts: SyncCounts): string {
  const parts = [`${counts.seen} seen`, `${counts.created} new`, `${counts.changed} changed`, `${counts.deleted} gone`];
  if (counts.regions_failed > 0) parts.push(`${counts.regions_failed} of ${counts.regions_listed} regions failed`);
  return parts.join(' · ');
}
