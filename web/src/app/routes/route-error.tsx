//! Shown when a route throws or its code cannot be loaded (after a deploy, an open tab may
//! ask for a chunk that no longer exists; a reload fetches the new version).
import { useRouteError } from 'react-router';
import { FullPageMessage } from '@/components/layouts/full-page';

export function RouteError() {
  const error = useRouteError();
  console.error(error);
  return (
    <FullPageMessage>
      <div role="alert" className="rounded-lg border border-zinc-200 bg-white p-6 text-center shadow-sm">
        <h1 className="text-lg font-semibold text-zinc-900">Something went wrong</h1>
        <p className="mt-2 text-sm text-zinc-600">This page could not be shown. Reload to try again.</p>
        <button
          type="button"
          onClick={() => window.location.reload()}
          className="mt-4 inline-flex h-9 items-center rounded-md bg-accent-600 px-3.5 text-sm font-medium text-white hover:bg-accent-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600"
        >
          Reload
        </button>
      </div>
    </FullPageMessage>
  );
}
