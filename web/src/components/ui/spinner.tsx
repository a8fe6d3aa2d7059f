//! Loading indicators: an inline spinner and a centred block for whole panels or pages.
import { LoaderCircle } from 'lucide-react';
import { cn } from '@/lib/cn';

export function Spinner({ label = 'Loading', className }: { label?: string; className?: string }) {
  return (
    <span role="status" className={cn('inline-flex items-center gap-2 text-sm text-zinc-500', className)}>
      <LoaderCircle aria-hidden className="size-4 animate-spin" />
      <span className="sr-only">{label}</span>
    </span>
  );
}

export function LoadingBlock({ label = 'Loading' }: { label?: string }) {
  return (
    <div className="flex min-h-40 items-center justify-center">
      <span role="status" className="inline-flex items-center gap-2 text-sm text-zinc-500">
        <LoaderCircle aria-hidden className="size-5 animate-spin" />
        {label}…
      </span>
    </div>
  );
}
