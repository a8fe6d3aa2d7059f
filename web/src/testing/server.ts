//! The mocked API: tests add handlers with `server.use(...)`.
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';

/// The organisation pages ask for their organisation while /v1/me loads; unless a test answers
/// it, that request never answers, so the page waits for /v1/me as a test expects.
const defaults = [
  http.get('/v1/orgs/:org', async () => {
    await delay('infinite');
  }),
  // the dashboard's recent runs: none, unless a test says otherwise
  http.get('/v1/orgs/:org/runs', () => HttpResponse.json({ items: [] })),
];

export const server = setupServer(...defaults);
