//! A compliance finding as the API returns it (`FindingView`): shared by the inventory drawer
//! and the compliance page, which do not import from each other.
import { z } from 'zod';
import { timestampSchema, type Equals, type Expect } from '@/lib/api-common';
import type { components } from '@/lib/api-schema';

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export const FINDING_STATUSES = ['fail', 'pass', 'error'] as const;

export const findingSchema = z.object({
  check_id: z.string(),
  check_title: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.enum(FINDING_STATUSES),
  /// Failing and not resolved.
  open: z.boolean(),
  resource_id: z.string(),
  resource_name: z.string().nullish(),
  resource_type: z.string(),
  provider: z.string(),
  region: z.string(),
  credential_id: z.string(),
  message: z.string().nullish(),
  remediation: z.string(),
  first_seen: timestampSchema,
  last_seen: timestampSchema,
  resolved_at: timestampSchema.nullish(),
});
export type Finding = z.infer<typeof findingSchema>;
export type _FindingMatchesContract = Expect<Equals<Finding, components['schemas']['FindingView']>>;
