//! The one HTTP client of the app: JSON in and out of `/v1`, problem+json errors as
//! `ApiError`, the bearer token on every authenticated call, and a transparent refresh when
//! the access token has expired.
import { z } from 'zod';
import type { Equals, Expect } from './api-common';
import type { components } from './api-schema';
import { clearSession, getAccessToken, getRefreshToken, setSession } from './session';

/// One invalid field of a request, as the API reports it in `errors[]`.
export const fieldErrorSchema = z.object({
  field: z.string(),
  code: z.string(),
  message: z.string(),
});
export type FieldError = z.infer<typeof fieldErrorSchema>;
export type _FieldErrorMatchesContract = Expect<Equals<FieldError, components['schemas']['FieldErrorView']>>;

/// An `application/problem+json` body. Every member is optional here so that an error from a
/// proxy or gateway in front of the API still turns into a readable `ApiError`; hence the pin
/// against `Partial` of the contract's `Problem`.
export const problemSchema = z.object({
  type: z.string().optional(),
  title: z.string().optional(),
  status: z.number().optional(),
  detail: z.string().optional(),
  code: z.string().optional(),
  errors: z.array(fieldErrorSchema).nullish(),
});
export type Problem = z.infer<typeof problemSchema>;
export type _ProblemMatchesContract = Expect<Equals<Problem, Partial<components['schemas']['Problem']>>>;

/// The token pair returned by `POST /v1/auth/login` and `POST /v1/auth/refresh`.
export const tokenPairSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().int().positive(),
  /// Only on a login from a device without a (valid) device token: see `rememberDeviceToken`.
  device_token: z.string().min(1).nullish(),
});
export type TokenPair = z.infer<typeof tokenPairSchema>;
export type _TokenPairMatchesContract = Expect<Equals<TokenPair, components['schemas']['TokenResponse']>>;

/// The body of `POST /v1/auth/refresh` and `POST /v1/auth/logout`.
export type RefreshRequest = { refresh_token: string };
export type _RefreshRequestMatchesContract = Expect<Equals<RefreshRequest, components['schemas']['RefreshRequest']>>;

/// A failed call: an HTTP error with its problem details, or a network or decoding failure
/// (status 0 and a code of our own).
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly fieldErrors: FieldError[];
  /// Seconds to wait before retrying, from the `Retry-After` header of a 429 or 503.
  readonly retryAfterSeconds: number | null;

  constructor(init: {
    status: number;
    code: string;
    title: string;
    detail: string;
    fieldErrors?: FieldError[];
    retryAfterSeconds?: number | null;
  }) {
    super(init.detail);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.fieldErrors = init.fieldErrors ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/// The user-facing text of any error thrown by a query or mutation.
export function errorMessage(error: unknown): string {
  if (isApiError(error)) return error.detail;
  return 'something went wrong; reload the page and try again';
}

const networkError = () =>
  new ApiError({
    status: 0,
    code: 'network_error',
    title: 'Network error',
    detail: 'could not reach the server; check your connection and try again',
  });

const invalidResponseError = () =>
  new ApiError({
    status: 0,
    code: 'invalid_response',
    title: 'Invalid response',
    detail: 'the server sent a response this app does not understand; reload the page and try again',
  });

const sessionExpiredError = () =>
  new ApiError({
    status: 401,
    code: 'session_expired',
    title: 'Session expired',
    detail: 'your session has ended; log in again',
  });

type QueryValue = string | number | boolean | null | undefined;

export type RequestOptions = {
  body?: unknown;
  query?: Record<string, QueryValue>;
  /// Send the access token and refresh on 401 (default). The auth endpoints turn it off.
  auth?: boolean;
  /// Error statuses whose body is still a regular response when it matches the schema (the
  /// health check answers 503 with its usual body when a dependency fails).
  bodyOnStatuses?: readonly number[];
  signal?: AbortSignal;
};

let sessionExpiredHandler: () => void = () => {};

/// Called once whenever the session cannot be renewed, after it was cleared (the app drops
/// its cached data; the signed-in routes see the session end and go to the login page).
export function setSessionExpiredHandler(handler: () => void) {
  sessionExpiredHandler = handler;
}

/// An absolute URL for an API path. Absolute, because fetch outside a browser (tests) cannot
/// resolve relative URLs; the API lives at the origin that served the app.
export function apiUrl(path: string, query?: Record<string, QueryValue>): string {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
  }
  return url.toString();
}

function parseRetryAfter(value: string | null): number | null {
  if (value === null) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.round((date - Date.now()) / 1000));
}

async function toApiError(response: Response): Promise<ApiError> {
  let problem: Problem = {};
  try {
    const parsed = problemSchema.safeParse(await response.json());
    if (parsed.success) problem = parsed.data;
  } catch {
    // Not JSON (a gateway's HTML page, say): fall back to the status line below.
  }
  const title = problem.title ?? (response.statusText || 'Request failed');
  return new ApiError({
    status: response.status,
    code: problem.code ?? `http_${response.status}`,
    title,
    detail: problem.detail ?? problem.title ?? `the request failed with status ${response.status}; try again`,
    fieldErrors: problem.errors ?? undefined,
    retryAfterSeconds: parseRetryAfter(response.headers.get('Retry-After')),
  });
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

async function send(method: string, path: string, options: RequestOptions, token: string | null) {
  const headers = new Headers({ Accept: 'application/json, application/problem+json' });
  if (options.body !== undefined) headers.set('Content-Type', 'application/json');
  if (token !== null) headers.set('Authorization', `Bearer ${token}`);
  try {
    return await fetch(apiUrl(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
      credentials: 'same-origin',
    });
  } catch (error) {
    if (isAbort(error)) throw error;
    throw networkError();
  }
}

function expireSession() {
  clearSession('expired');
  sessionExpiredHandler();
}

let refreshInFlight: Promise<string> | null = null;

/// Exchanges the refresh token for a new token pair and returns the new access token.
/// Concurrent callers share one request: the refresh token rotates, and a second refresh with
/// the same (by then old) token would count as reuse and end the session.
export function refreshAccessToken(): Promise<string> {
  refreshInFlight ??= doRefresh().finally(() => {
    refreshInFlight = null;
  });
  return refreshInFlight;
}

async function doRefresh(): Promise<string> {
  const refreshToken = getRefreshToken();
  if (refreshToken === null) {
    expireSession();
    throw sessionExpiredError();
  }
  const body: RefreshRequest = { refresh_token: refreshToken };
  const response = await send('POST', '/v1/auth/refresh', { body }, null);
  if (!response.ok) {
    const error = await toApiError(response);
    // A rejected refresh token (expired, revoked, reused) ends the session; an outage or rate
    // limit does not, so the user can retry without logging in again.
    if (response.status >= 400 && response.status < 500 && response.status !== 429) {
      expireSession();
      throw sessionExpiredError();
    }
    throw error;
  }
  const parsed = tokenPairSchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw invalidResponseError();
  setSession(parsed.data);
  return parsed.data.access_token;
}

async function request<S extends z.ZodType>(
  method: string,
  path: string,
  options: RequestOptions & { schema: S },
): Promise<z.output<S>>;
async function request(method: string, path: string, options?: RequestOptions): Promise<void>;
async function request(
  method: string,
  path: string,
  options: RequestOptions & { schema?: z.ZodType } = {},
): Promise<unknown> {
  const auth = options.auth ?? true;
  let token: string | null = null;
  if (auth) token = getAccessToken() ?? (await refreshAccessToken());

  let response = await send(method, path, options, token);
  if (auth && response.status === 401) {
    // Another request may already have refreshed while this one was in flight; then the new
    // token is used as it is instead of rotating again.
    const current = getAccessToken();
    const retryToken = current !== null && current !== token ? current : await refreshAccessToken();
    response = await send(method, path, options, retryToken);
    if (response.status === 401) {
      // Refused even with a token that was just issued: the session is gone (revoked user).
      expireSession();
      throw await toApiError(response);
    }
  }

  if (!response.ok) {
    if (options.schema !== undefined && options.bodyOnStatuses?.includes(response.status)) {
      const parsed = options.schema.safeParse(await response.clone().json().catch(() => undefined));
      if (parsed.success) return parsed.data;
    }
    throw await toApiError(response);
  }
  if (options.schema === undefined || response.status === 204) return undefined;

  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw invalidResponseError();
  }
  const parsed = options.schema.safeParse(json);
  if (!parsed.success) {
    console.error(`unexpected response shape from ${method} ${path}`, parsed.error.issues);
    throw invalidResponseError();
  }
  return parsed.data;
}

type Options = Omit<RequestOptions, 'body'>;

export const apiClient = {
  get: <S extends z.ZodType>(path: string, schema: S, options?: Options) =>
    request('GET', path, { ...options, schema }),
  post: <S extends z.ZodType>(path: string, body: unknown, schema: S, options?: Options) =>
    request('POST', path, { ...options, body, schema }),
  /// A POST whose success response has no body (204).
  postNoContent: (path: string, body: unknown, options?: Options) =>
    request('POST', path, { ...options, body }),
  patch: <S extends z.ZodType>(path: string, body: unknown, schema: S, options?: Options) =>
    request('PATCH', path, { ...options, body, schema }),
  delete: (path: string, options?: Options) => request('DELETE', path, options),
};

