import { describe, expect, it } from 'vitest';
import { NOW, makeCounts, makeDashboard } from '@/testing/data';
import { DASHBOARD_SYNC_POLL_MS, dashboardQueryOptions, type Dashboard } from './get-dashboard';
import type { components } from '@/lib/api-schema';

function pollInterval(data: Dashboard | undefined) {
  const { refetchInterval } = dashboardQueryOptions('org_1');
  if (typeof refetchInterval !== 'function') throw new Error('refetchInterval is not a function');
  return refetchInterval({ state: { data } } as unknown as Parameters<typeof refetchInterval>[0]);
}

function withSync(status: components['schemas']['SyncStatus']): Dashboard {
  const dashboard = makeDashboard([{ credential_id: 'cred_1', name: 'Production', provider: 'aws' }]) as Dashboard;
  dashboard.credentials[0]!.last_sync = { run_id: 'run_1', status, counts: makeCounts(), finished_at: status === 'running' ? null : NOW };
  return dashboard;
}

describe('Dashboard query', () => {
  it('reloads while an account is syncing, and only then', () => {
    expect(pollInterval(withSync('running'))).toBe(DASHBOARD_SYNC_POLL_MS);
    expect(pollInterval(withSync('queued'))).toBe(DASHBOARD_SYNC_POLL_MS);
    expect(pollInterval(withSync('succeeded'))).toBe(false);
    expect(pollInterval(undefined)).toBe(false);
  });
});
