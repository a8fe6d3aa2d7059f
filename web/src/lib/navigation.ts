//! Small helpers for where to send the user.

/// Only same-app paths are followed after login, so a crafted `?next=` link cannot send the
/// user to another site.
export function safeNextPath(next: string | null | undefined, fallback = '/'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  return next;
}

const LAST_ORG_KEY = 'skyforge.last_org';

/// The organisation the user last looked at, to open it again next time.
export function getLastOrgId(): string | null {
  try {
    return window.localStorage.getItem(LAST_ORG_KEY);
  } catch {
    return null;
  }
}

export function setLastOrgId(orgId: string) {
  try {
    window.localStorage.setItem(LAST_ORG_KEY, orgId);
  } catch {
    // Remembering the organisation is a convenience; without storage the first one opens.
  }
}
