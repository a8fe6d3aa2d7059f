//! Schemas shared by several API areas: roles, timestamps and cursor pages.
//!
//! The Zod schemas validate responses at run time; the contract is the backend's OpenAPI
//! document (`web/openapi.json`, turned into `src/lib/api-schema.ts` by `npm run gen:api`).
//! Next to every schema of a request or response body, a pin such as
//! `export type _MemberMatchesContract = Expect<Equals<Member, components['schemas']['MemberView']>>;`
//! makes `tsc` fail as soon as the two drift apart (exported so that noUnusedLocals does not
//! reject it).
//!
//! The generated types mark the backend's `Option` fields as optional and nullable
//! (`expires_at?: string | null`): the server always sends them, as `null` when empty, but the
//! document does not list them as required. The schemas accept what the document allows
//! (`.nullish()`), so code must treat a missing key like `null` (`== null`, `??`, truthiness).
import { z } from 'zod';
import { roleValues, type components } from './api-schema';

export const ROLES = roleValues;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;
export type _RoleMatchesContract = Expect<Equals<Role, components['schemas']['Role']>>;

export const ROLE_LABELS: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  operator: 'Operator',
  viewer: 'Viewer',
};

/// Roles that may manage members and read the audit trail.
export function canManageOrg(role: Role): boolean {
  return role === 'owner' || role === 'admin';
}

/// An RFC 3339 timestamp. The API sends UTC (`Z`); offsets are accepted so that a change of
/// formatting on the server does not break the app.
export const timestampSchema = z.iso.datetime({ offset: true });

/// A page of a cursor-paginated list (the backend's `ListOf_*`): pass `next_cursor` back as
/// `cursor` for the next page; it is `null` (or missing) on the last page.
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    next_cursor: z.string().nullish(),
  });
}
export type Page<T> = { items: T[]; next_cursor?: string | null };

/// How many items one "load more" fetches.
export const PAGE_SIZE = 50;

/// `true` when two types are identical.
export type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/// Fails to compile unless its argument is `true`; with `Equals`, checks the Zod-inferred
/// types against the generated OpenAPI types.
export type Expect<T extends true> = T;
