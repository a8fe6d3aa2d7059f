import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { server } from '@/testing/server';
import { problem } from '@/testing/http';
import { tokenPair } from '@/testing/data';
import { signIn } from '@/testing/render';
import { apiClient, ApiError, setSessionExpiredHandler } from './api-client';
import { getAccessToken, getRefreshToken, hasSession } from './session';

const pingSchema = z.object({ ok: z.boolean(), n: z.number() });

/// A protected endpoint that accepts only `access-new`, like the API after the old access
/// token expired.
function protectedEndpoint(seenTokens: string[]) {
  return http.get('/v1/ping', ({ request }) => {
    const auth = request.headers.get('Authorization') ?? '';
    seenTokens.push(auth);
    if (auth !== 'Bearer access-new') return problem(401, 'unauthorized', { detail: 'the access token has expired' });
    const n = Number(new URL(request.url).searchParams.get('n'));
    return HttpResponse.json({ ok: true, n });
  });
}

describe('api client', () => {
  it('concurrent 401s share one refresh and every request is retried with the new token', async () => {
    signIn('old');
    const seen: string[] = [];
    const refreshBodies: unknown[] = [];
    server.use(
      protectedEndpoint(seen),
      http.post('/v1/auth/refresh', async ({ request }) => {
        refreshBodies.push(await request.json());
        // Slow enough that all three 401s arrive while the refresh is in flight.
        await new Promise((resolve) => setTimeout(resolve, 20));
        return HttpResponse.json(tokenPair('new'));
      }),
    );

    const results = await Promise.all(
      [1, 2, 3].map((n) => apiClient.get('/v1/ping', pingSchema, { query: { n } })),
    );

    expect(results).toEqual([
      { ok: true, n: 1 },
      { ok: true, n: 2 },
      { ok: true, n: 3 },
    ]);
    expect(refreshBodies).toEqual([{ refresh_token: 'refresh-old' }]);
    expect(seen.filter((auth) => auth === 'Bearer access-old')).toHaveLength(3);
    expect(seen.filter((auth) => auth === 'Bearer access-new')).toHaveLength(3);
    // The refresh token rotates: the new one replaces the old one.
    expect(getRefreshToken()).toBe('refresh-new');
    expect(getAccessToken()).toBe('access-new');
  });

  it('a rejected refresh clears the session and reports it once', async () => {
    signIn('old');
    const onExpired = vi.fn();
    setSessionExpiredHandler(onExpired);
    let refreshes = 0;
    server.use(
      protectedEndpoint([]),
      http.post('/v1/auth/refresh', () => {
        refreshes += 1;
        return problem(401, 'invalid_refresh_token', { detail: 'the refresh token was already used' });
      }),
    );

    const calls = [1, 2].map((n) => apiClient.get('/v1/ping', pingSchema, { query: { n } }));
    for (const call of calls) {
      await expect(call).rejects.toMatchObject({ status: 401, code: 'session_expired' });
    }

    expect(refreshes).toBe(1);
    expect(onExpired).toHaveBeenCalledTimes(1);
    expect(hasSession()).toBe(false);
    expect(getAccessToken()).toBeNull();
    setSessionExpiredHandler(() => {});
  });

  it('after a reload it refreshes before the first call instead of sending no token', async () => {
    // Only the refresh token survives a reload; the access token lived in memory.
    window.localStorage.setItem('skyforge.refresh_token', 'refresh-stored');
    const seen: string[] = [];
    server.use(
      protectedEndpoint(seen),
      http.post('/v1/auth/refresh', () => HttpResponse.json(tokenPair('new'))),
    );

    await expect(apiClient.get('/v1/ping', pingSchema, { query: { n: 7 } })).resolves.toEqual({ ok: true, n: 7 });
    expect(seen).toEqual(['Bearer access-new']);
  });

  it('turns problem+json into an ApiError with field errors and Retry-After', async () => {
    server.use(
      http.post('/v1/auth/login', () =>
        problem(429, 'too_many_attempts', {
          detail: 'too many login attempts; wait and try again',
          headers: { 'Retry-After': '120' },
          errors: [{ field: 'email', code: 'rate_limited', message: 'slow down' }],
        }),
      ),
    );

    const error = await apiClient
      .post('/v1/auth/login', { email: 'a@example.com', password: 'x' }, pingSchema, { auth: false })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 429,
      code: 'too_many_attempts',
      detail: 'too many login attempts; wait and try again',
      retryAfterSeconds: 120,
      fieldErrors: [{ field: 'email', code: 'rate_limited', message: 'slow down' }],
    });
  });

  it('accepts a problem whose errors are null, as the contract allows', async () => {
    server.use(
      http.post('/v1/auth/signup', () =>
        HttpResponse.json(
          { type: 'urn:skyforge:problem:conflict', title: 'Conflict', status: 409, detail: 'taken', code: 'conflict', errors: null },
          { status: 409, headers: { 'Content-Type': 'application/problem+json' } },
        ),
      ),
    );

    const error = await apiClient.post('/v1/auth/signup', {}, pingSchema, { auth: false }).catch((e: unknown) => e);

    expect(error).toMatchObject({ status: 409, code: 'conflict', detail: 'taken', fieldErrors: [] });
  });

  it('rejects a response that does not match the contract', async () => {
    signIn('new');
    server.use(http.get('/v1/ping', () => HttpResponse.json({ ok: 'yes' })));
    vi.spyOn(console, 'error').mockImplementation(() => {});

    await expect(apiClient.get('/v1/ping', pingSchema)).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('a network failure becomes a readable error and keeps the session', async () => {
    signIn('new');
    server.use(http.get('/v1/ping', () => HttpResponse.error()));

    await expect(apiClient.get('/v1/ping', pingSchema)).rejects.toMatchObject({ status: 0, code: 'network_error' });
    expect(hasSession()).toBe(true);
  });
});
