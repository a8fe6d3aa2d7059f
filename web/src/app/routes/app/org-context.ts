//! What the signed-in layouts hand down to their pages through the router's outlet context.
import { useOutletContext } from 'react-router';
import type { Me, Membership } from '@/features/auth/api/get-me';

export type SessionContext = { me: Me };
export type OrgContext = SessionContext & { org: Membership };

export function useSessionContext(): SessionContext {
  return useOutletContext<SessionContext>();
}

export function useOrgContext(): OrgContext {
  return useOutletContext<OrgContext>();
}
