//! A white panel that groups related content.
import type { ReactNode } from 'react';
import { cn } from '@/lib/cn';

type CardProps = { title?: string; description?: ReactNode; children: ReactNode; className?: string };

export function Card({ title, description, children, className }: CardProps) {
  return (
    <section className={cn('rounded-lg border border-zinc-200 bg-white shadow-xs', className)}>
      {title ? (
        <header className="border-b border-zinc-200 px-4 py-3 sm:px-5">
          <h2 className="text-sm font-semibold text-zinc-900">{title}</h2>
          {description ? <p className="mt-0.5 text-sm text-zinc-600">{description}</p> : null}
        </header>
      ) : null}
      <div className="p-4 sm:p-5">{children}</div>
    </section>
  );
}
