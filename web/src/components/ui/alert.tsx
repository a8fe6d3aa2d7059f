//! An inline message. Errors use role="alert" so screen readers announce them at once.
import type { ReactNode } from 'react';
import { CircleCheck, CircleExclamationPoint, Info, TriangleExclamationPoint } from 'lucide-react';
import { cn } from '@/lib/cn';

const TONES = {
  error: { box: 'border-red-200 bg-red-50 text-red-800', icon: CircleExclamationPoint },
  warning: { box: 'border-amber-200 bg-amber-50 text-amber-900', icon: TriangleExclamationPoint },
  info: { box: 'border-zinc-200 bg-zinc-50 text-zinc-700', icon: Info },
  success: { box: 'border-emerald-200 bg-emerald-50 text-emerald-800', icon: CircleCheck },
} as const;

type AlertProps = {
  tone?: keyof typeof TONES;
  title?: string;
  children?: ReactNode;
  action?: ReactNode;
  className?: string;
};

export function Alert({ tone = 'error', title, children, action, className }: AlertProps) {
  const { box, icon: Icon } = TONES[tone];
  return (
    <div
      role={tone === 'error' ? 'alert' : 'status'}
      className={cn('flex gap-3 rounded-md border px-3.5 py-3 text-sm', box, className)}
    >
      <Icon aria-hidden className="mt-0.5 size-4 shrink-0" />
      <div className="min-w-0 flex-1 space-y-1">
        {title ? <p className="font-medium">{title}</p> : null}
        {children ? <div className="break-words">{children}</div> : null}
      </div>
      {action ? <div className="shrink-0">{action}</div> : null}
    </div>
  );
}
