//! Whole-screen states shown before the app shell can render.
import type { ReactNode } from 'react';
import { LoaderCircle } from 'lucide-react';

export function FullPageSpinner({ label = 'Loading' }: { label?: string }) {
  return (
    <div className="flex min-h-dvh items-center justify-center bg-zinc-50">
      <span role="status" className="inline-flex items-center gap-2 text-sm text-zinc-500">
        <LoaderCircle aria-hidden className="size-5 animate-spin" />
        {label}…
      </span>
    </div>
  );
}

export function FullPageMessage({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh items-center justify-center bg-zinc-50 px-4">
      <div className="w-full max-w-md">{children}</div>
    </div>
  );
}
