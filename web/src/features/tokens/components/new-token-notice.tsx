//! Shows a newly created token's secret, once, with a copy button.
import { TriangleExclamationPoint } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import type { CreatedToken } from '../api/create-token';

type NewTokenNoticeProps = {
  token: CreatedToken;
  onDismiss: () => void;
};

export function NewTokenNotice({ token, onDismiss }: NewTokenNoticeProps) {
  return (
    <section
      aria-labelledby="new-token-title"
      className="rounded-lg border border-amber-300 bg-amber-50 p-4 shadow-xs sm:p-5"
    >
      <div className="flex gap-3">
        <TriangleExclamationPoint aria-hidden className="mt-0.5 size-5 shrink-0 text-amber-600" />
        <div className="min-w-0 flex-1">
          <h2 id="new-token-title" className="text-sm font-semibold text-amber-950">
            Token “{token.name}” created
          </h2>
          <p className="mt-1 text-sm text-amber-900">
            Copy it now and store it somewhere safe. It won't be shown again.
          </p>
          <div className="mt-3 flex flex-col gap-2 sm:flex-row sm:items-center">
            <label htmlFor="new-token-value" className="sr-only">
              New API token
            </label>
            <input
              id="new-token-value"
              readOnly
              value={token.token}
              onFocus={(event) => event.currentTarget.select()}
              className="h-9 min-w-0 flex-1 rounded-md border border-amber-300 bg-white px-3 font-mono text-sm text-zinc-900"
            />
            <CopyButton value={token.token} label="Copy token" />
          </div>
          <div className="mt-4">
            <Button variant="secondary" size="sm" onClick={onDismiss}>
              I've copied it
            </Button>
          </div>
        </div>
      </div>
    </section>
  );
}
