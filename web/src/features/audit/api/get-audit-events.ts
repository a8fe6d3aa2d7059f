//! `GET /v1/orgs/{org}/audit`: the organisation's audit trail, newest first, a page at a time.
//! Only owners and admins may read it (others get 403 `forbidden`).
import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient } from '@/lib/api-client';
import { PAGE_SIZE, pageSchema, timestampSchema, type Equals, type Expect, type Page } from '@/lib/api-common';
import { actionValues, outcomeValues, type components } from '@/lib/api-schema';

/// The outcomes the contract names.
export const AUDIT_OUTCOMES = outcomeValues;
export type AuditOutcome = components['schemas']['Outcome'];

export function isKnownOutcome(outcome: string): outcome is AuditOutcome {
  return (AUDIT_OUTCOMES as readonly string[]).includes(outcome);
}

export const auditEventSchema = z.object({
  id: z.string(),
  occurred_at: timestampSchema,
  // The trail is read for years: an action or outcome added after this build is still shown,
  // as its wire word, rather than failing the whole page.
  action: z.union([z.enum(actionValues), z.string()]),
  outcome: z.union([z.enum(outcomeValues), z.string()]),
  // Null (or missing) for events without a known actor or target, such as a failed login for an
  // unknown email.
  actor_user_id: z.string().nullish(),
  actor_email: z.string().nullish(),
  org_id: z.string().nullish(),
  target_kind: z.string().nullish(),
  target_id: z.string().nullish(),
  ip: z.string().nullish(),
  detail: z.string().nullish(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;
// action and outcome also take words newer than this build (see above); the rest is the contract
export type _AuditEventMatchesContract = Expect<
  Equals<Omit<AuditEvent, 'action' | 'outcome'>, Omit<components['schemas']['AuditEventView'], 'action' | 'outcome'>>
>;

export const auditPageSchema = pageSchema(auditEventSchema);
export type _AuditPageMatchesContract = Expect<
  Equals<z.infer<typeof auditPageSchema>['next_cursor'], components['schemas']['ListOf_AuditEventView']['next_cursor']>
>;

type GetAuditEventsParams = { orgId: string; cursor?: string | null; limit?: number; signal?: AbortSignal };

export function getAuditEvents({
  orgId,
  cursor,
  limit = PAGE_SIZE,
  signal,
}: GetAuditEventsParams): Promise<Page<AuditEvent>> {
  return apiClient.get(`/v1/orgs/${encodeURIComponent(orgId)}/audit`, auditPageSchema, {
    query: { limit, cursor },
    signal,
  });
}

export function auditEventsQueryOptions(orgId: string) {
  return infiniteQueryOptions({
    queryKey: ['orgs', orgId, 'audit'],
    queryFn: ({ pageParam, signal }) => getAuditEvents({ orgId, cursor: pageParam, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.next_cursor,
  });
}

export function useAuditEvents(orgId: string) {
  return useInfiniteQuery(auditEventsQueryOptions(orgId));
}
