//! The app root: one query client, one router, and what happens when a session expires.
import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router/dom';
import { setSessionExpiredHandler } from '@/lib/api-client';
import { createQueryClient } from '@/lib/query-client';
import { createAppRouter } from './router';

const queryClient = createQueryClient();
const router = createAppRouter();

// Signed-in routes watch the session and send the user to /login themselves; what is cached
// belonged to the ended session and must not be shown to whoever logs in next.
setSessionExpiredHandler(() => queryClient.clear());

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
