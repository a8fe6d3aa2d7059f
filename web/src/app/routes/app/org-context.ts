//! What the signed-in layouts hand down to their pages through the router's outlet context.
import { useOutletContext } from 'react-router';
import type { Me, Membership } from '@/features/auth/api/get-me';

/// `me` is undefined while `/v1/me` loads: an organisation's pages render from the organisation
/// alone (`GET /v1/orgs/{org}`) so they do not wait for it.
export type SessionContext = { me: Me | undefined };
export type OrgContext = SessionContext & { org: Membership };

export function useSessionContext(): SessionContext {
  return useOutletContext<SessionContext>();
}

export function useOrgContext(): OrgContext {
  return useOutletContext<OrgContext>();
}
