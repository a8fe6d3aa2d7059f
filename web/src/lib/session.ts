//! The signed-in session: where the access and refresh tokens live, and who is told when
//! they change.
//!
//! Trade-off: the access token (15 minutes) is kept only in memory, so a page reload or a new
//! tab has to refresh before its first call, but nothing persistent holds a token that is
//! accepted by every endpoint. The refresh token is kept in localStorage so a reload keeps the
//! user signed in and all tabs share one rotating token; the cost is that any script running
//! on the page (an XSS bug) could read it. An HttpOnly cookie would avoid that, but the API
//! returns the refresh token in the response body, so the app has to store it itself. Keeping
//! the page free of third-party scripts and rotating the token on every refresh (reuse of an
//! old one kills the session) limit the damage.

const REFRESH_TOKEN_KEY = 'skyforge.refresh_token';
/// The device token a login gave this browser: later logins present it so that the user gets in
/// even while someone else's failed guesses throttle their email or address (docs/identity.md).
/// It outlives sessions: logging out does not forget the device.
const DEVICE_TOKEN_KEY = 'skyforge.device_token';

/// Refresh a little before the server would reject the access token, to save a 401 round trip.
const EXPIRY_MARGIN_MS = 10_000;

export type SessionTokens = {
  access_token: string;
  refresh_token: string;
  expires_in: number;
};

let accessToken: string | null = null;
let accessTokenExpiresAt = 0;
let endReason: 'logout' | 'expired' | null = null;
const listeners = new Set<() => void>();

function notify() {
  for (const listener of listeners) listener();
}

function readStorage(): string | null {
  try {
    return window.localStorage.getItem(REFRESH_TOKEN_KEY);
  } catch {
    // Storage can be disabled (private mode, blocked cookies); the session then lasts one page.
    return null;
  }
}

function writeStorage(value: string | null) {
  try {
    if (value === null) window.localStorage.removeItem(REFRESH_TOKEN_KEY);
    else window.localStorage.setItem(REFRESH_TOKEN_KEY, value);
  } catch {
    // See readStorage.
  }
}

/// The access token if it is still fresh, otherwise null (the caller should refresh first).
export function getAccessToken(): string | null {
  if (accessToken === null || Date.now() >= accessTokenExpiresAt - EXPIRY_MARGIN_MS) return null;
  return accessToken;
}

/// The signed-in user's id, read from the access token's `sub` claim (not verified here: the
/// server checks the token; this only picks which remembered organisation to open), or null.
export function signedInUserId(): string | null {
  const payload = accessToken?.split('.')[1];
  if (!payload) return null;
  try {
    const claims: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    const sub = typeof claims === 'object' && claims !== null ? (claims as { sub?: unknown }).sub : undefined;
    return typeof sub === 'string' ? sub : null;
  } catch {
    return null;
  }
}

/// The current refresh token, read from storage every time so a rotation done by another tab
/// is picked up.
export function getRefreshToken(): string | null {
  return readStorage();
}

/// True when there is a session to resume (a refresh token), even if the access token expired.
export function hasSession(): boolean {
  return getRefreshToken() !== null;
}

/// Stores the tokens of a login or refresh. The refresh token rotates, so the new one always
/// replaces the old one.
export function setSession(tokens: SessionTokens) {
  accessToken = tokens.access_token;
  accessTokenExpiresAt = Date.now() + tokens.expires_in * 1000;
  endReason = null;
  writeStorage(tokens.refresh_token);
  notify();
}

/// Forgets the session. `expired` marks a session the server no longer accepts (as opposed
/// to a logout), so the login page can say why the user is there.
export function clearSession(reason: 'logout' | 'expired' = 'logout') {
  accessToken = null;
  accessTokenExpiresAt = 0;
  endReason = reason;
  writeStorage(null);
  notify();
}

/// True when the last session ended because it expired rather than by logging out.
export function sessionEndedByExpiry(): boolean {
  return endReason === 'expired';
}

/// True when this tab's session ended by logging out (not by expiry, nor never signed in).
export function sessionEndedByLogout(): boolean {
  return endReason === 'logout';
}

/// Subscribes to session changes in this tab and in other tabs (via the storage event).
export function subscribeToSession(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key === REFRESH_TOKEN_KEY || event.key === null) {
      // Another tab logged out or rotated the token: our access token may be stale.
      if (event.newValue === null) {
        accessToken = null;
        accessTokenExpiresAt = 0;
      }
      listener();
    }
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

/// The device token this browser was given by an earlier login, or null.
export function getDeviceToken(): string | null {
  try {
    return window.localStorage.getItem(DEVICE_TOKEN_KEY);
  } catch {
    return null;
  }
}

/// Keeps the device token a login returned (only logins without a valid one return one).
export function rememberDeviceToken(token: string | null | undefined) {
  if (!token) return;
  try {
    window.localStorage.setItem(DEVICE_TOKEN_KEY, token);
  } catch {
    // See readStorage: without storage every login counts as a new device.
  }
}
