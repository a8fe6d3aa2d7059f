//! `GET /v1/health`: the platform's own health (its store, queues, secrets), not the cloud
//! providers' health.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiClient } from '@/lib/api-client';
import type { Equals, Expect } from '@/lib/api-common';
import type { components } from '@/lib/api-schema';
import { checkNameValues, healthStatusValues } from '@/lib/api-schema';

export const healthCheckSchema = z.object({
  /// `store` (DynamoDB) or `secrets` (Secrets Manager).
  name: z.enum(checkNameValues),
  ok: z.boolean(),
  latency_ms: z.number(),
  error: z.string().nullish(),
});
export type HealthCheck = z.infer<typeof healthCheckSchema>;
export type _HealthCheckMatchesContract = Expect<Equals<HealthCheck, components['schemas']['CheckView']>>;

export const healthSchema = z.object({
  /// `ok` when every check passed, else `degraded`. A plain string in the contract, so anything
  /// but `ok` is shown as degraded.
  status: z.enum(healthStatusValues),
  checks: z.array(healthCheckSchema),
});
export type Health = z.infer<typeof healthSchema>;
export type _HealthMatchesContract = Expect<Equals<Health, components['schemas']['HealthResponse']>>;

/// Needs no session. A failing dependency makes the endpoint answer 503 with the same body,
/// which is a result to show, not an error.
export function getHealth(signal?: AbortSignal): Promise<Health> {
  return apiClient.get('/v1/health', healthSchema, { signal, auth: false, bodyOnStatuses: [503] });
}

/// Re-checked every 30 seconds while the page is open.
export const HEALTH_REFRESH_MS = 30_000;

export function healthQueryOptions() {
  return queryOptions({
    queryKey: ['health'],
    queryFn: ({ signal }) => getHealth(signal),
    refetchInterval: HEALTH_REFRESH_MS,
    staleTime: 0,
  });
}

export function useHealth() {
  return useQuery(healthQueryOptions());
}
