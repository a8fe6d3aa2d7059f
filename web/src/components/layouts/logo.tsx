//! The Skyforge word mark.
import { Cloud } from 'lucide-react';

export function Logo() {
  return (
    <span className="inline-flex items-center gap-2 text-base font-semibold tracking-tight text-zinc-900">
      <span className="inline-flex size-7 items-center justify-center rounded-md bg-accent-600 text-white">
        <Cloud aria-hidden className="size-4" />
      </span>
      Skyforge
    </span>
  );
}
