//! Helpers to answer mocked API calls the way the backend does.
import { HttpResponse } from 'msw';

type ProblemInit = {
  detail: string;
  title?: string;
  errors?: Array<{ field: string; code: string; message: string }>;
  headers?: Record<string, string>;
};

/// An `application/problem+json` error response.
export function problem(status: number, code: string, init: ProblemInit) {
  return HttpResponse.json(
    {
      type: 'about:blank',
      title: init.title ?? code.replace(/_/g, ' '),
      status,
      detail: init.detail,
      code,
      ...(init.errors ? { errors: init.errors } : {}),
    },
    { status, headers: { 'Content-Type': 'application/problem+json', ...init.headers } },
  );
}

export function noContent() {
  return new HttpResponse(null, { status: 204 });
}
