//! Test data shaped like the API's responses.
import type { Role } from '@/lib/api-common';
import type { ApiToken } from '@/features/tokens/api/get-tokens';

export const NOW = '2025-01-15T10:00:00Z';

export function makeMe(overrides: { userId?: string; role?: Role; orgs?: Array<{ id: string; name: string; role: Role }> } = {}) {
  return {
    user: { id: overrides.userId ?? 'usr_me', email: 'ada@example.com', name: 'Ada Lovelace', created_at: NOW },
    organizations: (overrides.orgs ?? [{ id: 'org_1', name: 'Analytical Engines', role: overrides.role ?? 'owner' }]).map(
      (org) => ({ ...org, created_at: NOW }),
    ),
  };
}

export function makeMember(userId: string, name: string, role: Role) {
  return {
    user_id: userId,
    email: `${name.toLowerCase().replace(/\s+/g, '.')}@example.com`,
    name,
    role,
    joined_at: NOW,
  };
}

export function makeToken(id: string, name: string, scope: 'read' | 'write' = 'read'): ApiToken {
  return { id, name, scope, created_at: NOW, expires_at: null, last_used_at: null };
}

export function tokenPair(suffix: string) {
  return {
    access_token: `access-${suffix}`,
    refresh_token: `refresh-${suffix}`,
    token_type: 'Bearer',
    expires_in: 900,
  };
}

const COUNTS = { seen: 0, created: 0, changed: 0, deleted: 0, unchanged: 0, regions_listed: 0, regions_failed: 0 };

export function makeCounts(overrides: Partial<typeof COUNTS> = {}) {
  return { ...COUNTS, ...overrides };
}

export function makeDashboard(credentials: Array<{ credential_id: string; name: string; provider: string }>) {
  return {
    totals: { resources: 0, by_provider: {}, by_type: {}, by_state: {}, by_provider_type_state: {} },
    running_vms: 0,
    credentials: credentials.map((credential) => ({ ...credential, resources: 0, last_sync: null, health: [] })),
  };
}

export function makeResource(id: string, name: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    credential_id: 'cred_1',
    provider: 'aws',
    account: '123456789012',
    region: 'eu-west-1',
    type: 'vm',
    native_id: `i-${id}`,
    name,
    state: 'running',
    size: 't3.micro',
    public_ips: ['203.0.113.10'],
    private_ips: ['10.0.0.10'],
    tags: { env: 'prod' },
    attributes: { ami: 'ami-123' },
    deployment: null,
    created_at: NOW,
    deleted_at: null,
    first_seen: NOW,
    last_seen: NOW,
    ...overrides,
  };
}

export function makeCredential(id: string, name: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    provider: 'aws',
    name,
    method: 'role',
    hint: 'arn:aws:iam::123456789012:role/SkyforgeReadOnly',
    account_id: '123456789012',
    scopes: [],
    regions: null,
    sync_enabled: true,
    last_sync: null,
    pending_sync: null,
    created_at: NOW,
    updated_at: NOW,
    ...overrides,
  };
}

export function makeSyncRun(id: string, status: string, counts: Partial<typeof COUNTS> = {}, errors: unknown[] = []) {
  return {
    id,
    credential_id: 'cred_1',
    trigger: 'manual',
    status,
    queued_at: NOW,
    started_at: status === 'queued' ? null : NOW,
    finished_at: status === 'queued' || status === 'running' ? null : NOW,
    counts: makeCounts(counts),
    errors,
  };
}
