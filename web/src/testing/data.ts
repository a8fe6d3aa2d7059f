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
