//! Small helpers for where to send the user.

/// Only same-app paths are followed after login, so a crafted `?next=` link cannot send the
/// user to another site.
export function safeNextPath(next: string | null | undefined, fallback = '/'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  return next;
}

const LAST_ORG_KEY = 'skyforge.last_org';

/// The organisation `userId` last looked at in this browser, to open it again next time. It is
/// kept with the user's id, so someone else logging in on the same browser is not sent there.
export function getLastOrgId(userId: string | null): string | null {
  if (userId === null) return null;
  try {
    const [user, org] = (window.localStorage.getItem(LAST_ORG_KEY) ?? '').split(' ');
    return user === userId && org ? org : null;
  } catch {
    return null;
  }
}

export function setLastOrgId(userId: string, orgId: string) {
  try {
    window.localStorage.setItem(LAST_ORG_KEY, `${userId} ${orgId}`);
  } catch {
    // Remembering the organisation is a convenience; without storage the first one opens.
  }
}
