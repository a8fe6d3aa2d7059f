//! A calm placeholder for empty lists and areas that are not built yet.
import type { ComponentType, ReactNode } from 'react';

type EmptyStateProps = {
  icon: ComponentType<{ className?: string; 'aria-hidden'?: boolean }>;
  title: string;
  description?: ReactNode;
  action?: ReactNode;
};

export function EmptyState({ icon: Icon, title, description, action }: EmptyStateProps) {
  return (
    <div className="flex flex-col items-center justify-center rounded-lg border border-dashed border-zinc-300 bg-white px-6 py-12 text-center">
      <div className="mb-3 rounded-full bg-zinc-100 p-3">
        <Icon aria-hidden className="size-6 text-zinc-500" />
      </div>
      <h2 className="text-base font-semibold text-zinc-900">{title}</h2>
      {description ? <p className="mt-1 max-w-md text-sm text-zinc-600">{description}</p> : null}
      {action ? <div className="mt-4">{action}</div> : null}
    </div>
  );
}
